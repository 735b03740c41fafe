/**
 * Documents are read off the event loop, under a deadline (issue 15, point 1): a document
 * past fetch.maxParseTime fails PARSE_TIMEOUT, its thread is replaced, and what waited behind
 * it runs with a deadline of its own; while it runs, `feedagg start` answers /healthz and
 * polls other sources.
 */
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { DocumentPool } from '../src/runtime/document-pool.js';
import { DEFAULT_LIMITS } from '../src/normalize/document-limits.js';
import { storeKeys } from '../src/store/keys.js';
import { spawnCli } from './helpers/cli.js';
import { ProcessLog } from './helpers/process-log.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { slowFeed } from './helpers/slow-feed.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');

function task(text: string | Buffer, sourceId = 's') {
  return { sourceId, body: Buffer.from(text), contentType: null, documentUrl: 'http://example.org/feed', now: Date.now(), limits: DEFAULT_LIMITS, previous: [] as Array<[string, string]> };
}

describe('DocumentPool', () => {
  let pool: DocumentPool;
  afterEach(() => pool.close());

  it('stops a document past its deadline with PARSE_TIMEOUT, replaces the thread, and reads the next one', async () => {
    pool = new DocumentPool({ threads: 1, maxParseTimeMs: 150 });
    const slow = pool.read(task(slowFeed()));
    // Queued behind the slow one for longer than 150 ms: its own deadline starts when it runs.
    const next = pool.read(task(fixture('rss2.xml')));
    await expect(slow).rejects.toMatchObject({ code: 'PARSE_TIMEOUT' });
    const reading = await next;
    expect(reading.listing.length).toBe(3);
    expect(reading.prepared.length).toBe(3);
    expect(pool.started).toBe(2);
  });

  it('returns typed errors from the thread (NOT_A_FEED with the advertised links)', async () => {
    pool = new DocumentPool({ threads: 2, maxParseTimeMs: 10_000 });
    const html = '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>';
    await expect(pool.read(task(html))).rejects.toMatchObject({ code: 'NOT_A_FEED', feedLinks: ['http://example.org/feed.xml'] });
  });

  it('a large build first stops the idle reading threads (their grown heaps go back before the build thread grows)', async () => {
    pool = new DocumentPool({ threads: 2, maxParseTimeMs: 10_000, idleMs: 60_000, inlineBuildBytes: 0 });
    await Promise.all([pool.read(task(fixture('rss2.xml'))), pool.read(task(fixture('atom.xml')))]);
    expect(pool.alive).toBe(2);
    const reading = await pool.read(task(fixture('rss2.xml')));
    const items = reading.prepared.map((entry) => ({ article: entry.article, canonicalSourceId: 's' }));
    const urls = { home: 'http://out.example/', rss: 'http://out.example/feed.xml', atom: 'http://out.example/atom.xml', json: 'http://out.example/feed.json' };
    const built = await pool.build({ items, maxBytes: 1024 * 1024, options: { title: 'Out', urls, sources: new Map(), ttlMinutes: 30, hub: null } });
    expect(built.feeds.rss).toContain('<rss');
    expect(pool.alive).toBe(0);
  });

  it('prepares only the entries that changed against the listing', async () => {
    pool = new DocumentPool({ threads: 1, maxParseTimeMs: 10_000 });
    const first = await pool.read(task(fixture('rss2.xml')));
    const again = await pool.read({ ...task(fixture('rss2.xml')), previous: first.listing.map((entry) => [entry.ekh, entry.rawFp] as [string, string]) });
    expect(again).toMatchObject({ changed: false, prepared: [] });
  });
});

describe('feedagg start while a document runs past its deadline', () => {
  let server: FixtureServer;
  let workspace: Workspace;
  beforeAll(async () => {
    server = await new FixtureServer().start();
    server.routes.set('/slow.xml', { body: slowFeed(3000) });
    server.routes.set('/one.xml', { body: fixture('rss2.xml') });
    server.routes.set('/two.xml', { body: fixture('atom.xml') });
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    workspace = await createWorkspace();
  });
  afterEach(() => workspace.cleanup(redisUrl));

  it('answers /healthz, polls the other sources, and records PARSE_TIMEOUT for the slow one', async () => {
    const port = await freePort();
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      http: { port },
      output: { dir: workspace.outputDir },
      fetch: { allowPrivateNetworks: true, perHostInterval: '0s', perHostConcurrency: 8, maxParseTime: '300ms', parseThreads: 1 },
      schedule: { tick: '1s' },
      sources: [
        { id: 'slow', url: server.url('/slow.xml') },
        { id: 'one', url: server.url('/one.xml') },
        { id: 'two', url: server.url('/two.xml') },
      ],
    });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath]));
    const redis = new Redis(redisUrl);
    const keys = storeKeys(workspace.prefix);
    const latencies: number[] = [];
    let probing = true;
    try {
      await waitFor('/healthz', async () => ((await request(`http://127.0.0.1:${port}/healthz`).then((r) => r.body.text().then(() => r.statusCode))) === 200 ? true : null));
      const probe = (async () => {
        while (probing) {
          const started = performance.now();
          const response = await request(`http://127.0.0.1:${port}/healthz`);
          await response.body.text();
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const states = await waitFor('the three polls', async () => {
        const [slow, one, two] = await Promise.all(['slow', 'one', 'two'].map((id) => new Store(redis, keys).sources.readSourceState(id)));
        return slow?.lastError && one?.lastPollAt && two?.lastPollAt ? { slow, one, two } : null;
      }, 30_000);
      probing = false;
      await probe;
      expect(states.slow.lastError?.code).toBe('PARSE_TIMEOUT');
      expect(states.one.consecutiveFailures).toBe(0);
      expect(states.two.consecutiveFailures).toBe(0);
      latencies.sort((a, b) => a - b);
      const p90 = latencies[Math.floor(latencies.length * 0.9)] ?? Infinity;
      expect(latencies.length).toBeGreaterThan(3);
      expect(p90, `healthz latencies: ${latencies.map((ms) => ms.toFixed(0)).join(' ')}`).toBeLessThan(100);
    } finally {
      probing = false;
      start.child.kill('SIGTERM');
      expect(await start.exitWithin(15_000)).toBe(0);
      redis.disconnect();
    }
  });
});
