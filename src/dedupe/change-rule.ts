/**
 * When is a changed entry a new version? Pure, and table-tested.
 *
 * An entry changes *substantially* when its title or its text, once noise is removed, reads
 * differently. Noise is what feeds change without an editor: whitespace, letter case, quote
 * styles, markup and link targets (so tracking parameters), comment/view/like/share counts,
 * "updated 5 minutes ago" and clock times or timestamps. Any other change to the wording, a
 * fixed typo or a changed number included, is an edit a reader should see.
 */
import type { EntryFields } from '../normalize/normalize-entry.js';
import { hashText } from './identity.js';
import { bodyText, words } from './text-features.js';

const COUNTED = '(comments?|views?|likes?|shares?|replies|reactions?|responses?)';

const NOISE: RegExp[] = [
  // ISO timestamps and clock times first (their digits must not read as counts): 2026-11-26T10:31:00Z, 10:31, 10:31 am
  /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(z|[+-]\d{2}:?\d{2})?\b/giu,
  /\b\d{1,2}:\d{2}(:\d{2})?\s*(am|pm)?\b/giu,
  // "5 minutes ago", "updated 2 hours ago"
  /\b(updated\s+)?\d+\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b/giu,
  // The counts in "12 comments", "1,204 views", "Comments (5)", "Likes: 3" (the words stay)
  new RegExp(`\\b\\d[\\d,.]*(?=\\s*${COUNTED}\\b)`, 'giu'),
  new RegExp(`(?<=\\b${COUNTED}\\s*[:(]?\\s*)\\d[\\d,.]*`, 'giu'),
];

/** The words of a text that matter for change detection. */
export function meaningfulWords(text: string): string[] {
  let cleaned = text;
  for (const pattern of NOISE) cleaned = cleaned.replace(pattern, ' ');
  return words(cleaned);
}

export type ChangeInput = Pick<EntryFields, 'title' | 'contentHtml' | 'summary'>;

/** A hash that changes exactly when the rule says the entry changed substantially. */
export function changeFingerprint(entry: ChangeInput): string {
  return hashText(`${meaningfulWords(entry.title).join(' ')}\n${meaningfulWords(bodyText(entry)).join(' ')}`, 16);
}

export function isSubstantialChange(before: ChangeInput, after: ChangeInput): boolean {
  return changeFingerprint(before) !== changeFingerprint(after);
}

/** A later copy replaces the canonical text only when it is this much longer (a digest's summary never does). */
export const LONGER_FACTOR = 1.5;
export const LONGER_MARGIN = 300;

export function isSubstantiallyLonger(candidateLength: number, canonicalLength: number): boolean {
  return candidateLength >= canonicalLength * LONGER_FACTOR && candidateLength >= canonicalLength + LONGER_MARGIN;
}
