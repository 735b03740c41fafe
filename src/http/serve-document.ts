/** One published document over HTTP: strong ETag, Last-Modified, 304, HEAD, compression (RFC 9110). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chooseCoding, type Coding } from './negotiate-encoding.js';

export interface ServedDocument {
  body: Buffer;
  contentType: string;
  modified: Date;
  etag: string;
  /** Compressed variants, made once per document version. */
  variants: Partial<Record<Exclude<Coding, 'identity'>, Buffer>>;
}

export function makeDocument(body: Buffer, contentType: string, modified: Date, etag: string): ServedDocument {
  return { body, contentType, modified, etag, variants: {} };
}

function variant(document: ServedDocument, coding: Coding): { body: Buffer; etag: string } {
  if (coding === 'identity') return { body: document.body, etag: document.etag };
  document.variants[coding] ??= coding === 'br'
    ? brotliCompressSync(document.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
    : gzipSync(document.body, { level: 9 });
  // Each representation has its own strong validator (RFC 9110 8.8.3).
  return { body: document.variants[coding], etag: `${document.etag.slice(0, -1)}-${coding === 'br' ? 'br' : 'gz'}"` };
}

/** RFC 9110 13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present. */
function isNotModified(request: IncomingMessage, etag: string, modified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) <= Math.floor(since / 1000);
}

export function sendDocument(request: IncomingMessage, response: ServerResponse, document: ServedDocument, maxAgeSeconds: number): void {
  const coding = chooseCoding(request.headers['accept-encoding']);
  const { body, etag } = variant(document, coding);
  response.setHeader('ETag', etag);
  response.setHeader('Last-Modified', document.modified.toUTCString());
  response.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  response.setHeader('Vary', 'Accept-Encoding');
  if (isNotModified(request, etag, document.modified)) {
    response.writeHead(304).end();
    return;
  }
  response.setHeader('Content-Type', document.contentType);
  response.setHeader('Content-Length', body.length);
  if (coding !== 'identity') response.setHeader('Content-Encoding', coding);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : body);
}
