/**
 * Bytes → text. The charset comes from, in order: a byte order mark, the Content-Type
 * charset, the XML declaration (XML 1.0 appendix F), an HTML <meta charset>; else UTF-8.
 * Bytes that are not valid in the charset a document claims (or defaults to) are the most
 * common real-world mistake. When most non-ASCII sequences are valid UTF-8, it is UTF-8 with
 * a few bad bytes (a pasted fragment, a cut multi-byte character): those become U+FFFD, as
 * the WHATWG decoder does, and the rest of the text stays intact. Otherwise the charset is
 * detected from the bytes (chardet), as feedparser does, falling back to windows-1252,
 * which maps every byte.
 */
import { createRequire } from 'node:module';

// Needed only for documents that are not UTF-8: loaded then, not at start-up.
const require = createRequire(import.meta.url);
let iconvModule: typeof import('iconv-lite') | null = null;
let chardetModule: typeof import('chardet') | null = null;
function iconv(): typeof import('iconv-lite') {
  return (iconvModule ??= require('iconv-lite') as typeof import('iconv-lite'));
}
function detect(bytes: Buffer): string | null {
  chardetModule ??= require('chardet') as typeof import('chardet');
  return chardetModule.detect(bytes);
}

const BOMS: Array<[number[], string]> = [
  [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

function bomEncoding(bytes: Buffer): { encoding: string; length: number } | null {
  for (const [marker, encoding] of BOMS) {
    if (marker.every((byte, index) => bytes[index] === byte)) return { encoding, length: marker.length };
  }
  return null;
}

export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = /charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

/** Charset named in the document itself: the XML declaration, else an HTML meta tag. */
function declaredCharset(head: string): string | null {
  const xml = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/i.exec(head);
  if (xml?.[1]) return xml[1].toLowerCase();
  const meta = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head);
  return meta?.[1]?.toLowerCase() ?? null;
}

/** UTF-16/32 without a BOM still shows the `<` of the first tag as a zero-padded byte pattern. */
function sniffWideEncoding(bytes: Buffer): string | null {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x00) return 'utf-32le';
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0x00 && bytes[3] === 0x3c) return 'utf-32be';
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return 'utf-16be';
  return null;
}

function usable(charset: string | null): string | null {
  if (!charset) return null;
  const name = charset === 'utf8' ? 'utf-8' : charset;
  if (name === 'utf-8') return name;
  return iconv().encodingExists(name) ? name : null;
}

export interface DecodedBody {
  text: string;
  encoding: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The text, when the bytes are UTF-8 or mostly so (bad sequences become U+FFFD); else null. */
function mostlyUtf8(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const text = lenientUtf8.decode(bytes);
    let replaced = 0;
    let multibyte = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code === 0xfffd) replaced += 1;
      else if (code >= 0x80 && (code < 0xdc00 || code > 0xdfff)) multibyte += 1;
    }
    // Text in a legacy charset almost never forms valid multi-byte sequences by chance.
    return multibyte > replaced ? text : null;
  }
}

/** The charset the bytes look like, for documents whose declared charset does not fit them. */
function detectedEncoding(bytes: Buffer): string {
  const guess = usable(detect(bytes)?.toLowerCase() ?? null);
  return guess && guess !== 'utf-8' ? guess : 'windows-1252';
}

export function decodeBody(bytes: Buffer, contentType?: string | null): DecodedBody {
  const bom = bomEncoding(bytes);
  if (bom) return { text: iconv().decode(bytes.subarray(bom.length), bom.encoding), encoding: bom.encoding };
  const wide = sniffWideEncoding(bytes);
  if (wide) return { text: iconv().decode(bytes, wide), encoding: wide };
  const fromHeader = usable(charsetFromContentType(contentType));
  const head = bytes.subarray(0, 2048).toString('latin1');
  const declared = fromHeader ?? usable(declaredCharset(head));
  // A declaration of UTF-16 in a byte stream that is not wide is a lie (XML 1.0 F.1): read it as UTF-8.
  const claimed = !declared || declared.startsWith('utf-16') || declared.startsWith('utf-32') ? 'utf-8' : declared;
  if (claimed === 'utf-8') {
    const text = mostlyUtf8(bytes);
    if (text !== null) return { text, encoding: 'utf-8' };
  }
  const encoding = claimed === 'utf-8' ? detectedEncoding(bytes) : claimed;
  return { text: iconv().decode(bytes, encoding), encoding };
}
