/** Words of an article's plain text: the input of fingerprints. Pure. */

const ASCII = /^[\x00-\x7f]*$/;
const QUOTES = /['’‘`]/g;

/**
 * Lower-case words, Unicode-aware; apostrophes and quote styles do not split or differ.
 * ASCII text (most of it) takes a fast path with the same result: NFKC changes nothing
 * there, and letters and digits are [a-z0-9].
 */
export function words(text: string): string[] {
  if (ASCII.test(text)) return text.toLowerCase().replace(QUOTES, '').split(/[^a-z0-9]+/).filter(Boolean);
  return text.normalize('NFKC').toLowerCase().replace(QUOTES, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
