/** HTML → plain text: tags removed, entities decoded, whitespace collapsed. */
import { BoundedParser } from '../parse/bounded-parser.js';

const BLOCK_TAGS = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre',
  'section', 'article', 'header', 'footer', 'table', 'tr', 'td', 'th', 'figure', 'figcaption', 'hr',
]);
const SKIPPED_TAGS = new Set(['script', 'style', 'noscript', 'template']);

export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipping = 0;
  const parser = new BoundedParser(
    {
      onopentag(name) {
        if (SKIPPED_TAGS.has(name)) skipping += 1;
        else if (BLOCK_TAGS.has(name)) parts.push(' ');
      },
      onclosetag(name) {
        if (SKIPPED_TAGS.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK_TAGS.has(name)) parts.push(' ');
      },
      ontext(text) {
        if (skipping === 0) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return collapseWhitespace(parts.join(''));
}

/**
 * Every run of whitespace (and zero-width spaces) becomes one space. Only runs that are not
 * already a single space are matched: most of a text's whitespace is, and a replace per word
 * made this a hot spot (4× slower).
 */
const COLLAPSIBLE = /[\s\u200b]{2,}|[^\S ]|\u200b/g;

export function collapseWhitespace(text: string): string {
  return text.replace(COLLAPSIBLE, ' ').trim();
}

/** The first `maxWords` words of a text, with an ellipsis when cut. */
export function firstWords(text: string, maxWords: number): string {
  const words = text.split(' ').filter(Boolean);
  return words.length <= maxWords ? words.join(' ') : `${words.slice(0, maxWords).join(' ')}…`;
}
