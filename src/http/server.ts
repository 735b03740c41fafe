/**
 * The HTTP face of `feedagg start`: every published document (from Redis, so every instance
 * serves the current feed whichever instance published it; from memory while Redis is away),
 * /healthz and /readyz, and the pages made on request (status, metrics, OPML). Slow clients are cut off: headers within 10 s, a request within 30 s.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DocumentCache, within } from './document-cache.js';
import { readFile, stat } from 'node:fs/promises';
import { FORMATS, strongEtag } from '../publish/document-set.js';
import { makeDocument, sendDocument, type ServedDocument } from './serve-document.js';
import { escapeUTF8 as escapeMarkup } from 'entities';
import type { Store } from '../store/store.js';
import type { ConsoleHandler } from '../console/console-routes.js';
import { ANONYMOUS, PAGE_HEADERS, type Viewer } from '../console/layout.js';

export interface HttpOptions {
  /** Where the published documents and the publish record are (and its connection, for /readyz). */
  store: Store;
  /** URL paths that hold documents (the main output's and every extra output's). */
  paths: ReadonlySet<string>;
  /** Cache-Control max-age for the documents, in seconds (the feeds' <ttl>). */
  maxAgeSeconds: number;
  log: Logger;
  /** Pages made on request: `/` (the console's list), `/metrics`, `/opml.xml` (never cached). */
  pages?: ReadonlyMap<string, PageRenderer>;
  /** The console (issue 20): its pages, forms and /api/; the pages above are rendered for its viewer. */
  console?: ConsoleHandler;
  /** What this process knows beyond a PING: Redis refusing writes, its own last publish failing. */
  health?: { readonly outOfMemory: boolean; publishFailure: () => { at: string; message: string } | null; outputProblem?: () => string | null };
  /** The file a publish wrote for a document path (served while Redis is away and memory has none). */
  fileOf?: (path: string) => string;
  /** Node's server.headersTimeout and requestTimeout (ms): a slowloris client is cut off then. */
  timeouts?: { headersMs: number; requestMs: number };
}

export interface Page {
  contentType: string;
  body: string;
}

/** What a page is rendered for: the query, who looks, the notice of the last action. */
export interface PageRequest {
  query: URLSearchParams;
  viewer: Viewer;
  notice: { text: string } | null;
}

export type PageRenderer = (request?: PageRequest) => Promise<Page>;

/** Last good views kept for an outage, per path and query (anonymous views only). */
const MAX_LAST_PAGES = 64;

export const SERVER_TIMEOUTS = { headersMs: 10_000, requestMs: 30_000 };

/** /readyz and the pages answer within this time, whatever Redis does. */
const READY_WITHIN_MS = 1_000;

/** A published file, as a document to serve (its validator made from its bytes). */
async function documentFromFile(file: string, contentType: string): Promise<ServedDocument> {
  const [body, info] = await Promise.all([readFile(file), stat(file)]);
  return makeDocument(body, contentType, info.mtime, strongEtag(body.toString('utf8')));
}

function contentTypeOf(path: string): string {
  const format = Object.values(FORMATS).find((entry) => path.endsWith(`/${entry.file}`));
  return format?.contentType ?? 'application/octet-stream';
}

/**
 * A page made on request, within READY_WITHIN_MS. When Redis is away or slow, 503 with the
 * reason (and the last good render below it, for the status page), never a hang.
 */
async function servePage(response: ServerResponse, request: IncomingMessage, url: URL, render: PageRenderer, last: Map<string, Page>, console: ConsoleHandler | undefined): Promise<void> {
  const viewer = console?.viewer(request) ?? ANONYMOUS;
  // A signed-in view carries the session's CSRF token: it is never kept to be shown to another.
  const key = viewer.admin ? null : `${url.pathname}${url.search}`;
  const late = Symbol('late');
  let reason = `Redis did not answer within ${READY_WITHIN_MS} ms`;
  const page = await within<Page | typeof late>(render({ query: url.searchParams, viewer, notice: console?.notice(url) ?? null }).catch((error: unknown) => {
    reason = error instanceof Error ? error.message : String(error);
    return late;
  }), READY_WITHIN_MS, late);
  const html = (contentType: string | undefined) => contentType?.startsWith('text/html') ?? false;
  if (page !== late) {
    if (key !== null) {
      last.delete(key);
      last.set(key, page);
      if (last.size > MAX_LAST_PAGES) last.delete(last.keys().next().value as string);
    }
    response.writeHead(200, { 'Content-Type': page.contentType, 'Cache-Control': 'no-store', ...(html(page.contentType) ? PAGE_HEADERS : {}) });
    response.end(request.method === 'HEAD' ? undefined : page.body);
    return;
  }
  const previous = last.get(key ?? url.pathname) ?? (key === null ? undefined : last.get(url.pathname));
  const isHtml = html(previous?.contentType);
  const notice = isHtml ? `<p role="alert"><strong>Unavailable: ${escapeMarkup(reason)}.</strong> What follows is the last good view.</p>` : `unavailable: ${reason}\n`;
  response.writeHead(503, { 'Content-Type': isHtml ? previous?.contentType ?? 'text/plain' : 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '5', ...(isHtml ? PAGE_HEADERS : {}) });
  response.end(request.method === 'HEAD' ? undefined : isHtml ? `${notice}${previous?.body ?? ''}` : notice);
}


function json(response: ServerResponse, request: IncomingMessage, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
}

/**
 * /readyz: Redis reachable (and taking writes), the last publish good (or none yet), the output
 * folders writable. 503 names every check that fails; 200 when all pass.
 */
async function ready(options: HttpOptions): Promise<{ status: number; body: unknown }> {
  const { redis } = options.store;
  const outputs = options.health?.outputProblem?.() ?? null;
  const body = (checks: Record<string, unknown>, ok: boolean) => ({ status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'not ready', ...checks, outputs: outputs ?? 'ok' } });
  // Not connected: say so at once (a command now would wait in ioredis's offline queue).
  if (redis.status !== 'ready') return body({ redis: `unreachable (connection ${redis.status})` }, false);
  // A full Redis answers PING but refuses every write: not ready, and said so.
  if (options.health?.outOfMemory) return body({ redis: 'Redis out of memory (maxmemory reached): writes are refused' }, false);
  const check = (async () => {
    await redis.ping();
    const [lastPublishAt, stored] = await Promise.all([options.store.outputs.lastPublish(), options.store.outputs.publishFailure()]);
    // The deployment's last publish (any process); a failure this process saw but could not
    // store (a full Redis refuses the write) counts until a later good publish.
    const local = options.health?.publishFailure() ?? null;
    const failure = stored ?? (local && (!lastPublishAt || local.at > lastPublishAt) ? local : null);
    const publish = failure ? `the last publish failed at ${failure.at}: ${failure.message}` : 'ok';
    return body({ redis: 'ok', publish, lastPublishAt }, !failure && outputs === null);
  })();
  const failed = (reason: string) => body({ redis: reason }, false);
  return within(check.catch((error: unknown) => failed(error instanceof Error ? error.message : String(error))), READY_WITHIN_MS, failed(`no answer within ${READY_WITHIN_MS} ms`));
}

export function createHttpServer(options: HttpOptions): Server {
  const fileOf = options.fileOf;
  const cache = new DocumentCache(options.store, 250, fileOf ? (path) => documentFromFile(fileOf(path), contentTypeOf(path)) : undefined);
  const lastPages = new Map<string, Page>();
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (options.console && (await options.console.handle(request, response, url))) return;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') return json(response, request, 200, { status: 'ok' });
    if (path === '/readyz') {
      const { status, body } = await ready(options);
      return json(response, request, status, body);
    }
    const page = options.pages?.get(path);
    if (page) return servePage(response, request, url, page, lastPages, options.console);
    if (!options.paths.has(path)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const document = await cache.get(path);
    if (!document) {
      const why = options.store.redis.status === 'ready' ? 'not published yet' : `not available: Redis is unreachable (${options.store.redis.status}) and no published file was found`;
      response.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '30' }).end(`${why}\n`);
      return;
    }
    sendDocument(request, response, document, options.maxAgeSeconds);
  };
  const timeouts = options.timeouts ?? SERVER_TIMEOUTS;
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    // How often Node checks those two timeouts (default 30 s, which would let a slow client
    // stay that much longer).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
  }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log.error({ path: request.url, err: error instanceof Error ? error.message : String(error) }, 'serving failed');
      if (!response.headersSent) response.writeHead(503, { 'Retry-After': '5' }).end();
    });
  });
  // An idle keep-alive connection is closed after 5 s (Node's default), so it cannot pile up.
  server.keepAliveTimeout = 5_000;
  return server;
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
