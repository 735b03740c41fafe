import { FeedaggError } from '../errors.js';

/** Read a response body into one buffer, refusing more than `maxBytes` (checked while streaming). */
export async function readBodyCapped(body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown }, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      body.destroy?.();
      throw new FeedaggError('BODY_TOO_LARGE', `${url}: body exceeds fetch.maxBodySize (${maxBytes} bytes)`, { retryable: false });
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}
