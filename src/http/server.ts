/** The HTTP face of `feedagg start`: the published documents and /healthz. */
import { stat, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { OUTPUT_FILES } from '../publish/publish-outputs.js';
import { makeDocument, sendDocument, type Document } from './serve-file.js';

export const CONTENT_TYPES: Record<string, string> = {
  [OUTPUT_FILES.rss]: 'application/rss+xml; charset=utf-8',
  [OUTPUT_FILES.atom]: 'application/atom+xml; charset=utf-8',
  [OUTPUT_FILES.json]: 'application/feed+json; charset=utf-8',
};

export interface HttpOptions {
  port: number;
  host?: string;
  outputDir: string;
  /** Cache-Control max-age for the documents, in seconds. */
  maxAgeSeconds: number;
  log: Logger;
}

/** Documents are re-read only when the file's mtime or size changes. */
async function loadDocument(cache: Map<string, { key: string; document: Document }>, dir: string, name: string): Promise<Document | null> {
  const path = join(dir, name);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const key = `${info.mtimeMs}:${info.size}`;
  const cached = cache.get(name);
  if (cached?.key === key) return cached.document;
  const document = makeDocument(await readFile(path), CONTENT_TYPES[name] ?? 'application/octet-stream', info.mtime);
  cache.set(name, { key, document });
  return document;
}

export function createHttpServer(options: HttpOptions): Server {
  const cache = new Map<string, { key: string; document: Document }>();
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(request.method === 'HEAD' ? undefined : '{"status":"ok"}\n');
      return;
    }
    const name = path.slice(1);
    if (!(name in CONTENT_TYPES)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    loadDocument(cache, options.outputDir, name)
      .then((document) => {
        if (!document) response.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '30' }).end('not published yet\n');
        else sendDocument(request, response, document, options.maxAgeSeconds);
      })
      .catch((error: unknown) => {
        options.log.error({ path, err: error instanceof Error ? error.message : String(error) }, 'serving failed');
        if (!response.headersSent) response.writeHead(500).end();
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
