/**
 * The HTTP server of `feedagg start`, serving documents kept in Redis: content types, ETag/304,
 * Last-Modified, HEAD, gzip/br, /healthz, /readyz, and two instances serving the same feed.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeServer, createHttpServer, listen, SERVER_TIMEOUTS } from '../src/http/server.js';
import { startEmbeddedRedis } from '../src/redis/embedded-redis.js';
import { compressDocument } from '../src/publish/compress-document.js';
import { strongEtag } from '../src/publish/document-set.js';
import { storeKeys } from '../src/store/keys.js';
import { deletePrefix } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const prefix = `test-http-${process.pid}`;
const keys = storeKeys(prefix);
const DOCUMENTS: Record<string, [string, string]> = {
  '/feed.xml': ['application/rss+xml; charset=utf-8', `<rss version="2.0"><channel><title>t</title>${'<item><title>x</title></item>'.repeat(50)}</channel></rss>`],
  '/atom.xml': ['application/atom+xml; charset=utf-8', '<feed xmlns="http://www.w3.org/2005/Atom"/>'],
  '/feed.json': ['application/feed+json; charset=utf-8', '{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}'],
};
let redis: Redis;
let store: Store;
const servers: Server[] = [];
let base: string;
let second: string;

async function publish(path: string, body: string, contentType: string, modified = new Date('2026-11-26T10:00:00Z')): Promise<void> {
  await store.outputs.saveDocument({ path, body, contentType, etag: strongEtag(body), modified: modified.toUTCString(), ...(await compressDocument(Buffer.from(body))) });
}

async function startServer(): Promise<string> {
  const server = createHttpServer({ store, paths: new Set([...Object.keys(DOCUMENTS), '/missing.xml']), maxAgeSeconds: 1800, log: pino({ level: 'silent' }) });
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
}

beforeAll(async () => {
  redis = new Redis(redisUrl);
  store = new Store(redis, keys);
  for (const [path, [type, body]] of Object.entries(DOCUMENTS)) await publish(path, body, type);
  await store.outputs.recordPublish(new Date('2026-11-26T10:00:00Z'));
  base = await startServer();
  second = await startServer();
});
afterAll(async () => {
  for (const server of servers) await closeServer(server);
  await deletePrefix(redisUrl, prefix);
  redis.disconnect();
});

async function get(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const response = await request(url, { method, headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

describe('HTTP server', () => {
  it.each(Object.entries(DOCUMENTS))('serves %s with its content type, a strong ETag, Last-Modified and Cache-Control', async (path, [type, body]) => {
    const response = await get(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers.etag).toBe(strongEtag(body));
    expect(response.headers['last-modified']).toBe('Thu, 26 Nov 2026 10:00:00 GMT');
    expect(response.headers['cache-control']).toBe('public, max-age=1800');
    expect(response.body.toString()).toBe(body);
  });

  it('answers 304 to a matching If-None-Match (also weak, also in a list) and to If-Modified-Since', async () => {
    const etag = strongEtag(DOCUMENTS['/feed.xml']?.[1] ?? '');
    expect((await get(`${base}/feed.xml`, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(`${base}/feed.xml`, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(`${base}/feed.xml`, { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await get(`${base}/feed.xml`, { 'if-modified-since': 'Thu, 26 Nov 2026 10:00:00 GMT' })).status).toBe(304);
    expect((await get(`${base}/feed.xml`, { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(200);
  });

  it.each([
    ['gzip', 'gzip', gunzipSync],
    ['br;q=1, gzip;q=0.5', 'br', brotliDecompressSync],
    ['gzip, br', 'br', brotliDecompressSync],
  ] as const)('Accept-Encoding %s → %s, with its own ETag and Vary', async (accept, coding, decode) => {
    const response = await get(`${base}/feed.xml`, { 'accept-encoding': accept });
    expect(response.headers['content-encoding']).toBe(coding);
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(decode(response.body).toString()).toBe(DOCUMENTS['/feed.xml']?.[1]);
    expect(response.headers.etag).toMatch(new RegExp(`-${coding === 'br' ? 'br' : 'gz'}"$`));
    expect((await get(`${base}/feed.xml`, { 'accept-encoding': accept, 'if-none-match': String(response.headers.etag) })).status).toBe(304);
  });

  it('never compresses on request: a document stored without its variants is sent as it is', async () => {
    const body = '<feed xmlns="http://www.w3.org/2005/Atom"><title>plain</title></feed>';
    await store.outputs.saveDocument({ path: '/missing.xml', body, contentType: 'application/atom+xml', etag: strongEtag(body), modified: new Date().toUTCString() });
    const response = await get(`${base}/missing.xml`, { 'accept-encoding': 'br, gzip' });
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body.toString()).toBe(body);
    await redis.del(`${keys.outputs}:/missing.xml`);
  });

  it('/readyz is 503 with the reason after a failed publish, until the next good one', async () => {
    await store.outputs.recordPublishFailure({ at: '2026-11-26T10:05:00.000Z', message: 'ENOSPC: no space left on device, write' });
    const failed = await get(`${base}/readyz`);
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.body.toString())).toMatchObject({ status: 'not ready', publish: 'the last publish failed at 2026-11-26T10:05:00.000Z: ENOSPC: no space left on device, write' });
    await store.outputs.recordPublish(new Date('2026-11-26T10:00:00Z'));
    expect((await get(`${base}/readyz`)).status).toBe(200);
  });

  it('/readyz is 503 "Redis out of memory" while Redis refuses writes', async () => {
    const health = { outOfMemory: true, publishFailure: () => null };
    const server = createHttpServer({ store, paths: new Set(), maxAgeSeconds: 60, log: pino({ level: 'silent' }), health });
    servers.push(server);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    const response = await get(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body.toString()).redis).toMatch(/Redis out of memory/);
    health.outOfMemory = false;
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });

  it('HEAD sends the headers without a body', async () => {
    const response = await get(`${base}/feed.json`, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0);
    expect(response.body.length).toBe(0);
  });

  it('a document published by another instance is served at once, by every instance', async () => {
    const body = '<feed xmlns="http://www.w3.org/2005/Atom"><title>new</title></feed>';
    await publish('/atom.xml', body, 'application/atom+xml; charset=utf-8', new Date('2026-11-26T11:00:00Z'));
    for (const url of [base, second]) {
      const response = await get(`${url}/atom.xml`, { 'if-none-match': strongEtag(DOCUMENTS['/atom.xml']?.[1] ?? '') });
      expect(response.status).toBe(200);
      expect(response.body.toString()).toBe(body);
    }
  });

  it('/readyz answers 503 while Redis cannot be reached', async () => {
    const away = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    away.on('error', () => undefined);
    const server = createHttpServer({ store: new Store(away, keys), paths: new Set(), maxAgeSeconds: 60, log: pino({ level: 'silent' }) });
    servers.push(server);
    const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    const response = await get(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body.toString()).status).toBe('not ready');
    expect((await get(`${url}/healthz`)).status).toBe(200);
    away.disconnect();
  });

  it('serves the last known documents from memory, and /readyz 503 at once, while Redis is away', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedagg-away-'));
    const own = await startEmbeddedRedis(dir);
    const client = new Redis(own.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      const body = DOCUMENTS['/feed.xml']?.[1] ?? '';
      await new Store(client, keys).outputs.saveDocument({ path: '/feed.xml', body, contentType: 'application/rss+xml; charset=utf-8', etag: strongEtag(body), modified: new Date('2026-11-26T10:00:00Z').toUTCString() });
      const server = createHttpServer({ store: new Store(client, keys), paths: new Set(['/feed.xml', '/atom.xml']), maxAgeSeconds: 60, log: pino({ level: 'silent' }) });
      servers.push(server);
      const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
      expect((await get(`${url}/feed.xml`)).status).toBe(200);
      await own.stop();
      // Redis never comes back in this test: a request that waited on it would never answer.
      const responses = await Promise.all(Array.from({ length: 200 }, () => get(`${url}/feed.xml`)));
      expect(responses.every((response) => response.status === 200 && response.body.toString() === body)).toBe(true);
      const ready = await get(`${url}/readyz`);
      expect(ready.status).toBe(503);
      // A document never loaded cannot come from memory: 503, not a hang.
      expect((await get(`${url}/atom.xml`)).status).toBe(503);
    } finally {
      client.disconnect();
      await own.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cuts off a client that sends its headers slowly (slowloris)', async () => {
    expect(SERVER_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000 });
    expect(servers[0]?.headersTimeout).toBe(10_000);
    expect(servers[0]?.requestTimeout).toBe(30_000);
    const server = createHttpServer({ store, paths: new Set(), maxAgeSeconds: 60, log: pino({ level: 'silent' }), timeouts: { headersMs: 1_000, requestMs: 2_000 } });
    servers.push(server);
    const port = await listen(server, 0, '127.0.0.1');
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /feed.xml HTTP/1.1\r\nHost: feeds.test\r\n');
    // The drip never ends on its own: only the server's headers timeout closes the socket.
    const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.on('close', resolve));
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('has /healthz, /readyz with the last publish time, 503 before a first publish, 404 and 405', async () => {
    expect(JSON.parse((await get(`${base}/healthz`)).body.toString())).toEqual({ status: 'ok' });
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body.toString())).toEqual({ status: 'ready', redis: 'ok', publish: 'ok', lastPublishAt: '2026-11-26T10:00:00.000Z', outputs: 'ok' });
    expect((await get(`${base}/missing.xml`)).status).toBe(503);
    expect((await get(`${base}/nope`)).status).toBe(404);
    const post = await request(`${base}/feed.xml`, { method: 'POST' });
    await post.body.dump();
    expect(post.statusCode).toBe(405);
  });
});
