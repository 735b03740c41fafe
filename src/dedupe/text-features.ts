/** Words and word shingles of an article's plain text: the input of fingerprints. Pure. */
import { htmlToText } from '../normalize/html-to-text.js';
import type { EntryFields } from '../normalize/normalize-entry.js';

/** Lower-case words, Unicode-aware; apostrophes and quote styles do not split or differ. */
export function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Word k-shingles (k consecutive words), the unit of near-duplicate comparison. */
export function shingles(tokens: string[], k = 3): Set<string> {
  const out = new Set<string>();
  for (let index = 0; index + k <= tokens.length; index += 1) out.add(tokens.slice(index, index + k).join(' '));
  return out;
}

/** The body text of an entry: its content, else its summary, as plain text. */
export function bodyText(entry: Pick<EntryFields, 'contentHtml' | 'summary'>): string {
  if (entry.contentHtml) return htmlToText(entry.contentHtml);
  return entry.summary ?? '';
}
