/**
 * The HTTP face of `feedagg start`: every published document (from Redis, so every instance
 * serves the current feed whichever instance published it), /healthz and /readyz.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StoreKeys } from '../store/keys.js';
import { documentEtag, lastPublish, loadDocument } from '../store/output-store.js';
import { makeDocument, sendDocument, type ServedDocument } from './serve-document.js';

export interface HttpOptions {
  redis: Redis;
  keys: StoreKeys;
  /** URL paths that hold documents (the main output's and every extra output's). */
  paths: ReadonlySet<string>;
  /** Cache-Control max-age for the documents, in seconds (the feeds' <ttl>). */
  maxAgeSeconds: number;
  log: Logger;
}

/** Documents are fetched from Redis again only when their ETag there changed. */
class DocumentCache {
  private readonly documents = new Map<string, ServedDocument>();

  constructor(private readonly redis: Redis, private readonly keys: StoreKeys) {}

  async get(path: string): Promise<ServedDocument | null> {
    const cached = this.documents.get(path);
    let etag: string | null;
    try {
      etag = await documentEtag(this.redis, this.keys, path);
    } catch (error) {
      if (cached) return cached; // Redis is away: the last known version is still right
      throw error;
    }
    if (!etag) return null;
    if (cached?.etag === etag) return cached;
    const stored = await loadDocument(this.redis, this.keys, path);
    if (!stored) return null;
    const document = makeDocument(Buffer.from(stored.body, 'utf8'), stored.contentType, new Date(stored.modified), stored.etag);
    this.documents.set(path, document);
    return document;
  }
}

function json(response: ServerResponse, request: IncomingMessage, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
}

async function ready(options: HttpOptions): Promise<{ status: number; body: unknown }> {
  try {
    await options.redis.ping();
    return { status: 200, body: { status: 'ready', redis: 'ok', lastPublishAt: await lastPublish(options.redis, options.keys) } };
  } catch (error) {
    return { status: 503, body: { status: 'not ready', redis: error instanceof Error ? error.message : String(error) } };
  }
}

export function createHttpServer(options: HttpOptions): Server {
  const cache = new DocumentCache(options.redis, options.keys);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') return json(response, request, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { status, body } = await ready(options);
      return json(response, request, status, body);
    }
    if (!options.paths.has(path)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const document = await cache.get(path);
    if (!document) {
      response.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '30' }).end('not published yet\n');
      return;
    }
    sendDocument(request, response, document, options.maxAgeSeconds);
  };
  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log.error({ path: request.url, err: error instanceof Error ? error.message : String(error) }, 'serving failed');
      if (!response.headersSent) response.writeHead(503, { 'Retry-After': '5' }).end();
    });
  });
}

export async function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}
