/** One published document over HTTP: strong ETag, Last-Modified, 304 and HEAD (RFC 9110). */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Document {
  body: Buffer;
  contentType: string;
  modified: Date;
  etag: string;
}

export function makeDocument(body: Buffer, contentType: string, modified: Date): Document {
  return { body, contentType, modified, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** RFC 9110 13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present. */
export function isNotModified(request: IncomingMessage, document: Document): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, document.etag);
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(document.modified.getTime() / 1000) <= Math.floor(since / 1000);
}

export function sendDocument(request: IncomingMessage, response: ServerResponse, document: Document, maxAgeSeconds: number): void {
  response.setHeader('ETag', document.etag);
  response.setHeader('Last-Modified', document.modified.toUTCString());
  response.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  if (isNotModified(request, document)) {
    response.writeHead(304).end();
    return;
  }
  response.setHeader('Content-Type', document.contentType);
  response.setHeader('Content-Length', document.body.length);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : document.body);
}
