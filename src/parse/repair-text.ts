/**
 * Two kinds of damage that feeds carry from their publishing tools, repaired the way feedparser
 * and browsers do.
 */

/**
 * Windows-1252's characters for bytes 0x80–0x9F (WHATWG Encoding, index windows-1252); 0 where
 * it has none. Written out: Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1, and
 * iconv-lite is loaded only for documents that need it.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const BYTE_OF_1252 = new Map(WINDOWS_1252_HIGH.flatMap((code, index) => (code ? [[code, 0x80 + index] as const] : [])));

const C1 = /[\u0080-\u009f]/g;

/**
 * C1 control characters (U+0080–U+009F) stand for the Windows-1252 characters of those bytes:
 * text written in Windows-1252 and labelled ISO-8859-1 or UTF-8 ("don\u0092t"). No text means a
 * C1 control, so this is what HTML does for `&#146;` (HTML Living Standard 13.2.5.80) and what
 * feedparser calls demoronizing.
 */
export function c1ToWindows1252(text: string): string {
  if (!C1.test(text)) return text;
  C1.lastIndex = 0;
  return text.replace(C1, (character) => {
    const code = WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80] ?? 0;
    return code ? String.fromCharCode(code) : character;
  });
}

/** A lead byte of a UTF-8 sequence (C2–F4) read as Latin-1, then a continuation byte (80–BF) read as Latin-1 or Windows-1252. */
const MOJIBAKE = /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 that was read as Latin-1 or Windows-1252 and encoded again ("â€¦" for "…"). As in
 * feedparser, a whole value is repaired only when every character maps back to one byte and
 * those bytes are valid UTF-8 with at least one multi-byte sequence: real Latin-1 text almost
 * never forms one by chance.
 */
export function repairDoubleEncoding(text: string): string {
  if (!MOJIBAKE.test(text)) return text;
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const byte = code <= 0xff ? code : BYTE_OF_1252.get(code);
    if (byte === undefined) return text;
    bytes[index] = byte;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return text;
  }
}
