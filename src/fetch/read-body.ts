import { FeedaggError } from '../errors.js';

function tooLarge(url: string, maxBytes: number, said = ''): FeedaggError {
  return new FeedaggError('BODY_TOO_LARGE', `${url}: body exceeds fetch.maxBodySize (${maxBytes} bytes)${said}`, { retryable: false });
}

/**
 * Read a response body into one buffer, refusing more than `maxBytes` (checked while
 * streaming). With the length known (Content-Length), a body over the cap is refused before
 * a byte is read, and the body is read into one buffer of that size: half the memory of
 * collecting chunks and joining them.
 */
export async function readBodyCapped(body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown }, maxBytes: number, url: string, expectedBytes: number | null = null): Promise<Buffer> {
  if (expectedBytes !== null && expectedBytes > maxBytes) {
    body.destroy?.();
    throw tooLarge(url, maxBytes, ` (Content-Length ${expectedBytes})`);
  }
  const exact = expectedBytes !== null ? Buffer.allocUnsafe(expectedBytes) : null;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (total + chunk.byteLength > maxBytes) {
      body.destroy?.();
      throw tooLarge(url, maxBytes);
    }
    if (exact && total + chunk.byteLength <= exact.length) exact.set(chunk, total);
    else chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    total += chunk.byteLength;
  }
  if (exact && chunks.length === 0) return exact.subarray(0, total);
  // A body longer than its Content-Length said (undici refuses that; kept for other streams).
  return Buffer.concat(exact ? [exact.subarray(0, Math.min(total, exact.length)), ...chunks] : chunks, total);
}
