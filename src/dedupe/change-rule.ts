/**
 * When is a changed entry a new version? Pure, and table-tested.
 *
 * An entry changes *substantially* when its title or its text, once noise is removed, reads
 * differently. Noise is what feeds change without an editor: whitespace, letter case, quote
 * styles, markup and link targets (so tracking parameters), comment/view/like/share counts,
 * "updated 5 minutes ago" and clock times or timestamps. Any other change to the wording, a
 * fixed typo or a changed number included, is an edit a reader should see.
 */
import { hash } from 'node:crypto';
import { words } from './text-features.js';

const COUNTED = '(?:comments?|views?|likes?|shares?|replies|reactions?|responses?)';

/**
 * Every noise pattern in one pass. Each of them holds a digit, so a text without digits has
 * no noise at all. Counts lose their number but keep their word (group 1 or 2).
 */
const NOISE = new RegExp([
  // ISO timestamps and clock times first (their digits must not read as counts): 2026-11-26T10:31:00Z, 10:31, 10:31 am
  String.raw`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?\b`,
  String.raw`\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?\b`,
  // "5 minutes ago", "updated 2 hours ago"
  String.raw`\b(?:updated\s+)?\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b`,
  // "12 comments", "1,204 views": the word stays. A count is at most 24 characters: unbounded,
  // `[\d,.]*` rescanned the rest of a "1,1,1,…" run from every digit (quadratic).
  String.raw`\b\d[\d,.]{0,24}\s*(${COUNTED})\b`,
  // "Comments (5)", "Likes: 3": the word stays
  String.raw`\b(${COUNTED})\s*[:(]?\s*\d[\d,.]*(?![\d:])`,
].join('|'), 'giu');

/** The text without its noise (see above). */
export function withoutNoise(text: string): string {
  return /\d/.test(text) ? text.replace(NOISE, (_match, counted?: string, word?: string) => ` ${counted ?? word ?? ''} `) : text;
}

/** The words of a text that matter for change detection. */
export function meaningfulWords(text: string): string[] {
  return words(withoutNoise(text));
}

/**
 * A hash that changes exactly when the rule says the entry changed substantially. `bodyWords`
 * are the words of the entry's plain text, when the caller has them already (no digits in
 * the text: then they are its meaningful words too).
 */
export function changeFingerprint(title: string, bodyText: string, bodyWords?: string[]): string {
  const body = bodyWords && !/\d/.test(bodyText) ? bodyWords : meaningfulWords(bodyText);
  return hash('sha256', `${meaningfulWords(title).join(' ')}\n${body.join(' ')}`, 'hex').slice(0, 16);
}

/** A later copy replaces the canonical text only when it is this much longer (a digest's summary never does). */
export const LONGER_FACTOR = 1.5;
export const LONGER_MARGIN = 300;
