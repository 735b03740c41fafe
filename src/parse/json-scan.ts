/**
 * One linear pass over JSON text, outside any parser, for the bounds a hostile document must
 * meet before it is parsed (DESIGN.md "Limits"):
 * - nesting: recursion over a parsed value (RSS in JSON reads `{"_": {"_": …}}` recursively)
 *   must never meet 20,000 levels, so a document deeper than MAX_JSON_DEPTH is a PARSE error;
 * - the top-level `items` array of a JSON Feed, found by position, so its elements can be
 *   parsed one at a time and only the best fetch.maxItems kept (500,000 tiny items never
 *   become 500,000 objects at once).
 * Strings are skipped with their escapes; nothing here allocates per character.
 */
import { FeedaggError } from '../errors.js';

/** Real feeds nest a handful of levels; converters' RSS in JSON a dozen. */
export const MAX_JSON_DEPTH = 64;

export interface JsonLayout {
  /** `[` and `]` of the top-level object's last `items` array; null when there is none. */
  items: { open: number; close: number } | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index after the string that starts at `from` (its opening quote), or text.length when it never ends. */
function skipString(text: string, from: number): number {
  for (let index = from + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === BACKSLASH) index += 1;
    else if (code === QUOTE) return index + 1;
  }
  return text.length;
}

function nextNonSpace(text: string, from: number): number {
  let index = from;
  while (index < text.length && /\s/.test(text.charAt(index))) index += 1;
  return index;
}

/** Checks the nesting and finds the top-level `items` array. Throws PARSE past MAX_JSON_DEPTH. */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonLayout {
  let depth = 0;
  let items: JsonLayout['items'] = null;
  let itemsOpen = -1;
  let pendingItems = false;
  for (let index = 0; index < text.length; ) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const end = skipString(text, index);
      // A key of the top-level object: is it "items", followed by `:` and an array?
      if (depth === 1) {
        const colon = nextNonSpace(text, end);
        if (end - index === 7 && text.startsWith('items', index + 1) && text.charAt(colon) === ':') {
          const value = nextNonSpace(text, colon + 1);
          pendingItems = text.charAt(value) === '[';
        }
      }
      index = end;
      continue;
    }
    if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > maxDepth) throw new FeedaggError('PARSE', `invalid JSON Feed: values nested deeper than ${maxDepth} levels`);
      if (pendingItems && code === 0x5b && depth === 2) {
        itemsOpen = index;
        pendingItems = false;
      }
    } else if (code === 0x7d || code === 0x5d) {
      if (code === 0x5d && depth === 2 && itemsOpen !== -1) {
        items = { open: itemsOpen, close: index };
        itemsOpen = -1;
      }
      depth -= 1;
    }
    index += 1;
  }
  return { items };
}

/**
 * Calls `onBatch` with the text of up to `size` consecutive elements of the array whose
 * brackets are at `open` and `close` (split at its own commas, not those inside strings or
 * nested values), commas between them included: `[${batch}]` is a JSON array again. One
 * JSON.parse per batch rather than per element (500,000 calls cost 1.6 s).
 */
export function forEachBatch(text: string, open: number, close: number, size: number, onBatch: (elements: string) => void): void {
  let depth = 0;
  let start = open + 1;
  let count = 0;
  for (let index = open + 1; index < close; ) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = skipString(text, index);
      continue;
    }
    if (code === 0x7b || code === 0x5b) depth += 1;
    else if (code === 0x7d || code === 0x5d) depth -= 1;
    else if (code === 0x2c && depth === 0 && ++count === size) {
      onBatch(text.slice(start, index));
      start = index + 1;
      count = 0;
    }
    index += 1;
  }
  const last = text.slice(start, close);
  if (last.trim() !== '') onBatch(last);
}
