/**
 * Content-Encoding decoding with the size cap applied to the *decompressed* bytes, so a small
 * gzip bomb cannot expand past fetch.maxBodySize (RFC 9110 8.4).
 */
import { Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { FeedaggError } from '../errors.js';
import { readBodyCapped } from './read-body.js';

export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoderFor(encoding: string, firstByte: number | undefined): Transform | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    // "deflate" means zlib-wrapped (RFC 9110 8.4.1.2), but some servers send raw deflate.
    case 'deflate':
      return firstByte !== undefined && (firstByte & 0x0f) === 8 ? createInflate() : createInflateRaw();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** Read and decode a body: `compressed` is the raw stream, `encoding` the Content-Encoding header. */
export async function readDecodedBody(raw: Readable, encodingHeader: string | undefined, maxBytes: number, url: string, contentLength: string | undefined = undefined): Promise<Buffer> {
  const encodings = (encodingHeader ?? '').toLowerCase().split(',').map((value) => value.trim()).filter((value) => value && value !== 'identity');
  const length = contentLength !== undefined && /^\d+$/.test(contentLength.trim()) ? Number(contentLength) : null;
  if (encodings.length === 0) return readBodyCapped(raw, maxBytes, url, length);
  // The compressed stream is capped too, at the same size: it can only be smaller when it is honest.
  let body = await readBodyCapped(raw, maxBytes, url, length);
  for (const encoding of encodings.reverse()) {
    const decoder = decoderFor(encoding, body[0]);
    if (!decoder) throw new FeedaggError('PARSE', `${url}: unsupported Content-Encoding "${encoding}"`);
    try {
      body = await readBodyCapped(Readable.from([body]).pipe(decoder), maxBytes, url);
    } catch (error) {
      decoder.destroy();
      if (error instanceof FeedaggError) throw error;
      throw new FeedaggError('PARSE', `${url}: corrupt ${encoding} body: ${(error as Error).message}`, { cause: error });
    }
  }
  return body;
}
