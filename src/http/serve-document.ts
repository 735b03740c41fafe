/**
 * One published document over HTTP: strong ETag, Last-Modified, 304, HEAD, and the compressed
 * variants made when it was published (RFC 9110). Nothing is compressed on request: a coding
 * the document was not stored in is served as identity.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chooseCoding, type Coding } from './negotiate-encoding.js';

export interface ServedDocument {
  body: Buffer;
  contentType: string;
  modified: Date;
  etag: string;
  /** Compressed variants, made once when the document was published. */
  variants: Partial<Record<Exclude<Coding, 'identity'>, Buffer>>;
}

export function makeDocument(body: Buffer, contentType: string, modified: Date, etag: string, variants: ServedDocument['variants'] = {}): ServedDocument {
  return { body, contentType, modified, etag, variants };
}

function variant(document: ServedDocument, wanted: Coding): { body: Buffer; etag: string; coding: Coding } {
  const stored = wanted === 'identity' ? undefined : document.variants[wanted];
  if (wanted === 'identity' || !stored) return { body: document.body, etag: document.etag, coding: 'identity' };
  // Each representation has its own strong validator (RFC 9110 8.8.3).
  return { body: stored, etag: `${document.etag.slice(0, -1)}-${wanted === 'br' ? 'br' : 'gz'}"`, coding: wanted };
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
  const { body, etag, coding } = variant(document, chooseCoding(request.headers['accept-encoding'], Object.keys(document.variants) as Coding[]));
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
