/**
 * Change one source of a config file's text, touching only that source's lines (issue 20:
 * the console writes to the config file, the one source of truth). The yaml Document API
 * finds where each node is (its range); the edit is made on the text, so comments,
 * quoting and alignment elsewhere stay byte for byte. Adding is add-sources-text.ts.
 *
 * A block item (`- id: a` over several lines) is edited in place: a value is replaced where
 * it stands (a comment after it stays), a new key is a line after the item's last one, a key
 * set to undefined loses its line(s). A flow item (`- { id: a, url: … }`) is written again,
 * on its line. Every edit is checked by reading the new text back (sourceIn).
 */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { ConsoleError } from './console-error.js';
import { flowScalar } from '../opml/add-sources-text.js';

/** The editable keys of a source and their new values (undefined: remove the key). */
export interface SourceChanges {
  title?: string | undefined;
  interval?: string | undefined;
  tags?: string[] | undefined;
  enabled?: boolean | undefined;
  allowPrivateNetworks?: boolean | undefined;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
}

type Range = [number, number, number];

function rangeOf(node: unknown): Range {
  const range = (node as { range?: Range | null }).range;
  if (!range) throw new ConsoleError('CONFIG', 'the config file changed shape while it was edited (a node without a position)');
  return range;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the line that holds `offset` (past its newline, or the text's end). */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** A value as YAML writes it on one line: strings quoted when they must be, lists in flow style. */
export function yamlValue(value: string | boolean | string[]): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowScalar(item)).join(', ')}]`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function sourcesSeq(document: Document.Parsed): YAMLSeq<unknown> {
  const node = document.get('sources', true);
  if (!isSeq(node)) throw new ConsoleError('NOT_FOUND', 'the config file has no sources list', { field: 'id' });
  return node;
}

function idOf(item: unknown): string | null {
  if (!isMap(item)) return null;
  const id = item.get('id', true);
  return isScalar(id) ? String(id.value) : null;
}

function findItem(seq: YAMLSeq<unknown>, id: string): { item: YAMLMap<unknown, unknown>; index: number } {
  const index = seq.items.findIndex((item) => idOf(item) === id);
  const item = seq.items[index];
  if (index === -1 || !isMap(item)) throw new ConsoleError('NOT_FOUND', `no source "${id}" in the config file`, { field: 'id' });
  return { item, index };
}

function pairOf(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

interface Splice {
  from: number;
  to: number;
  text: string;
}

function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  // From the end, so earlier offsets stay valid.
  for (const splice of [...splices].sort((a, b) => b.from - a.from)) out = `${out.slice(0, splice.from)}${splice.text}${out.slice(splice.to)}`;
  return out;
}

/** The source's data after the changes (for a flow item, written again whole). */
function changedObject(item: YAMLMap<unknown, unknown>, changes: SourceChanges): Record<string, unknown> {
  const object = item.toJSON() as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete object[key];
    else object[key] = value;
  }
  return object;
}

function flowItem(object: Record<string, unknown>): string {
  const value = (item: unknown): string => {
    if (typeof item === 'string') return flowScalar(item);
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) return stringify(item, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
    return yamlValue(item as boolean | string[]);
  };
  return `{ ${Object.entries(object).map(([key, item]) => `${key}: ${value(item)}`).join(', ')} }`;
}

function blockSplices(text: string, item: YAMLMap<unknown, unknown>, changes: SourceChanges): Splice[] | null {
  const splices: Splice[] = [];
  const first = item.items[0];
  if (!first) return null;
  const firstKey = rangeOf(first.key);
  const indent = ' '.repeat(firstKey[0] - lineStart(text, firstKey[0]));
  const itemEnd = lineEnd(text, rangeOf(item)[1] - 1);
  const appended: string[] = [];
  for (const [key, value] of Object.entries(changes) as Array<[keyof SourceChanges, SourceChanges[keyof SourceChanges]]>) {
    const pair = pairOf(item, key);
    if (value === undefined) {
      if (!pair) continue;
      // The first key carries the item's dash: the item is written again instead.
      if (pair === first) return null;
      const keyRange = rangeOf(pair.key);
      const valueEnd = pair.value ? rangeOf(pair.value)[1] : keyRange[1];
      splices.push({ from: lineStart(text, keyRange[0]), to: lineEnd(text, Math.max(keyRange[0], valueEnd - 1)), text: '' });
      continue;
    }
    if (!pair) {
      appended.push(`${indent}${key}: ${yamlValue(value)}\n`);
      continue;
    }
    const keyEnd = rangeOf(pair.key)[1];
    const node = pair.value as Node | null;
    if (!node) {
      splices.push({ from: keyEnd, to: lineEnd(text, keyEnd) - 1, text: `: ${yamlValue(value)}` });
      continue;
    }
    const [start, valueEnd] = rangeOf(node);
    const blockCollection = (isSeq(node) || isMap(node)) && !node.flow;
    // A block list (`tags:` then `- a` lines) becomes one flow line after its key.
    if (blockCollection) splices.push({ from: keyEnd, to: valueEnd, text: `: ${yamlValue(value)}${text[valueEnd - 1] === '\n' ? '\n' : ''}` });
    else splices.push({ from: start, to: valueEnd, text: yamlValue(value) });
  }
  if (appended.length > 0) {
    const glue = text[itemEnd - 1] === '\n' || itemEnd === 0 ? '' : '\n';
    splices.push({ from: itemEnd, to: itemEnd, text: `${glue}${appended.join('')}` });
  }
  return splices;
}

/** The config text with source `id` changed as `changes` say, and nothing else. */
export function updateSourceInText(text: string, id: string, changes: SourceChanges): string {
  const document = parseDocument(text);
  const seq = sourcesSeq(document);
  const { item } = findItem(seq, id);
  const splices = !item.flow && !seq.flow ? blockSplices(text, item, changes) : null;
  if (splices) return applySplices(text, splices);
  const [start, end] = rangeOf(item);
  return applySplices(text, [{ from: start, to: end, text: flowItem(changedObject(item, changes)) }]);
}

/** The config text without source `id` (its lines; an emptied list becomes `sources: []`). */
export function removeSourceFromText(text: string, id: string): string {
  const document = parseDocument(text);
  const seq = sourcesSeq(document);
  const { item, index } = findItem(seq, id);
  if (seq.items.length === 1) {
    const pair = document.contents && isMap(document.contents) ? pairOf(document.contents as YAMLMap<unknown, unknown>, 'sources') : undefined;
    const keyEnd = pair ? rangeOf(pair.key)[1] : rangeOf(seq)[0];
    const seqEnd = rangeOf(seq)[1];
    return applySplices(text, [{ from: keyEnd, to: seqEnd, text: `: []${text[seqEnd - 1] === '\n' ? '\n' : ''}` }]);
  }
  if (seq.flow) {
    const [start, end] = rangeOf(seq);
    return applySplices(text, [{ from: start, to: end, text: `[${seq.items.filter((_, at) => at !== index).map((other) => (isMap(other) ? flowItem(other.toJSON() as Record<string, unknown>) : String(other))).join(', ')}]` }]);
  }
  const [start, end] = rangeOf(item);
  return applySplices(text, [{ from: lineStart(text, start), to: lineEnd(text, Math.max(start, end - 1)), text: '' }]);
}

/** The source `id` as the text defines it (to check an edit), or null. */
export function sourceIn(text: string, id: string): Record<string, unknown> | null {
  const document = parseDocument(text);
  const node = document.get('sources', true);
  if (!isSeq(node)) return null;
  const item = node.items.find((candidate) => idOf(candidate) === id);
  return isMap(item) ? (item.toJSON() as Record<string, unknown>) : null;
}

/** The ids of every source the text defines. */
export function sourceIdsIn(text: string): string[] {
  const node = parseDocument(text).get('sources', true);
  return isSeq(node) ? node.items.map(idOf).filter((id): id is string => id !== null) : [];
}
