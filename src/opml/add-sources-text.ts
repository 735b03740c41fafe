/**
 * Add sources to a config file's text, touching nothing else (issue 16, defect 10: `opml
 * import --write` re-rendered the whole file through the yaml Document API, which collapsed
 * comment alignment and turned `[programming]` into `[ programming ]`). The Document API finds
 * where the `sources` list ends; the new items are inserted there as text, indented like the
 * list's own items, and every other byte of the file stays as it was.
 */
import { isSeq, parseDocument, stringify } from 'yaml';

export interface AddedSource {
  id: string;
  url: string;
  title?: string;
  tags?: string[];
}

/** A scalar as YAML writes it on one line (quoted when it must be). */
function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/**
 * A scalar inside a flow collection (`[a, b]`, `{ id: a }`): a plain scalar there ends at a
 * `,` or a bracket (`x, y` would be two tags), so such a string is written double-quoted
 * (JSON's quoting is YAML's). Other strings are written as YAML writes them alone.
 */
export function flowScalar(value: string): string {
  const plain = scalar(value);
  return /[,[\]{}]/.test(plain) && !/^["']/.test(plain) ? JSON.stringify(value) : plain;
}

function item(source: AddedSource, indent: string): string {
  const lines = [`${indent}- id: ${scalar(source.id)}`, `${indent}  url: ${scalar(source.url)}`];
  if (source.title !== undefined) lines.push(`${indent}  title: ${scalar(source.title)}`);
  if (source.tags && source.tags.length > 0) lines.push(`${indent}  tags: [${source.tags.map(flowScalar).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

function flowItem(source: AddedSource): string {
  const fields = [`id: ${flowScalar(source.id)}`, `url: ${flowScalar(source.url)}`];
  if (source.title !== undefined) fields.push(`title: ${flowScalar(source.title)}`);
  if (source.tags && source.tags.length > 0) fields.push(`tags: [${source.tags.map(flowScalar).join(', ')}]`);
  return `{ ${fields.join(', ')} }`;
}

/** The config text with `added` at the end of its `sources` list (made when missing or empty). */
export function addSourcesToText(text: string, added: AddedSource[]): string {
  if (added.length === 0) return text;
  const document = parseDocument(text);
  const node = document.get('sources', true);
  if (isSeq(node) && !node.flow && node.items.length > 0 && node.range) {
    const [start, valueEnd] = node.range;
    const indent = ' '.repeat(start - (text.lastIndexOf('\n', start - 1) + 1));
    const head = text.slice(0, valueEnd);
    const glue = head.endsWith('\n') ? '' : '\n';
    return `${head}${glue}${added.map((source) => item(source, indent)).join('')}${text.slice(valueEnd)}`;
  }
  if (isSeq(node) && node.flow && node.items.length > 0 && node.range) {
    // `sources: [{…}, {…}]`: the new ones join the list, in its own style, before its `]`.
    const close = text.lastIndexOf(']', node.range[1] - 1);
    const before = text.slice(0, close).trimEnd();
    return `${before}, ${added.map(flowItem).join(', ')}${text.slice(before.length).startsWith(' ') ? ' ' : ''}${text.slice(close)}`;
  }
  const block = added.map((source) => item(source, '  ')).join('');
  if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
    // `sources: []` or `sources:` with nothing: the list's text is replaced, nothing else.
    const [start, valueEnd] = node.range as [number, number, number];
    return `${text.slice(0, start).trimEnd()}\n${block}${text.slice(valueEnd).replace(/^[ \t]*\n/, '')}`;
  }
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}sources:\n${block}`;
}
