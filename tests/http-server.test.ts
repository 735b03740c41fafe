/** The HTTP server of `feedagg start`: content types, ETag/304, Last-Modified, HEAD, /healthz. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, createHttpServer, listen } from '../src/http/server.js';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feedagg-http-'));
  await writeFile(join(dir, 'feed.xml'), '<rss version="2.0"><channel><title>t</title></channel></rss>');
  await writeFile(join(dir, 'atom.xml'), '<feed xmlns="http://www.w3.org/2005/Atom"/>');
  await writeFile(join(dir, 'feed.json'), '{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[]}');
  server = createHttpServer({ port: 0, outputDir: dir, maxAgeSeconds: 60, log: pino({ level: 'silent' }) });
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});
afterAll(async () => {
  await closeServer(server);
  await rm(dir, { recursive: true, force: true });
});

async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const response = await request(`${base}${path}`, { method, headers });
  const body = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body };
}

describe('HTTP server', () => {
  it.each([
    ['/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
  ])('serves %s as %s with validators', async (path, type) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(response.headers['last-modified']).toBeTruthy();
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(response.body.length).toBeGreaterThan(10);
  });

  it('answers 304 to a matching If-None-Match (also weak, also in a list) and If-Modified-Since', async () => {
    const first = await get('/feed.xml');
    const etag = String(first.headers.etag);
    expect((await get('/feed.xml', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-none-match': '"other"' })).status).toBe(200);
    expect((await get('/feed.xml', { 'if-modified-since': String(first.headers['last-modified']) })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(200);
  });

  it('changes the ETag when the file changes', async () => {
    const before = await get('/atom.xml');
    await writeFile(join(dir, 'atom.xml'), '<feed xmlns="http://www.w3.org/2005/Atom"><title>new</title></feed>');
    const after = await get('/atom.xml', { 'if-none-match': String(before.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.body).toContain('new');
  });

  it('HEAD sends headers without a body', async () => {
    const response = await get('/feed.json', {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0);
    expect(response.body).toBe('');
  });

  it('has /healthz, 404 for unknown paths, 405 for other methods', async () => {
    expect((await get('/healthz')).body).toContain('"ok"');
    expect((await get('/nope')).status).toBe(404);
    const post = await request(`${base}/feed.xml`, { method: 'POST' });
    await post.body.dump();
    expect(post.statusCode).toBe(405);
  });
});
