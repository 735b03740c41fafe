/**
 * JSON as feeds send it. RFC 8259 7 forbids raw control characters (U+0000–U+001F) inside
 * strings, yet publishers paste text with tabs and newlines straight into their JSON Feeds.
 * Strict parsing is tried first (fast, and most documents are valid); only when it fails are
 * those characters escaped inside strings and the text parsed once more.
 */
import { FeedaggError } from '../errors.js';

/** The text with every raw control character inside a string escaped (`\u000a`); outside strings, JSON whitespace stays. */
export function escapeControlCharacters(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // a backslash escapes the next character
      else if (code === 0x22) inString = false;
      else if (code < 0x20) {
        out += `${text.slice(from, index)}\\u${code.toString(16).padStart(4, '0')}`;
        from = index + 1;
      }
    } else if (code === 0x22) inString = true;
  }
  return from === 0 ? text : out + text.slice(from);
}

export function parseLenientJson(text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (cause) {
    const escaped = escapeControlCharacters(body);
    if (escaped !== body) {
      try {
        return JSON.parse(escaped);
      } catch {
        // the control characters were not the only problem: report the first error
      }
    }
    throw new FeedaggError('PARSE', `invalid JSON: ${(cause as Error).message}`, { cause });
  }
}
