/**
 * End to end: `feedagg run --once` over fixture feeds on a real HTTP server and a real Redis.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseFeed } from '../src/parse/parse-feed.js';
import { queuedEvents } from './helpers/article-queue.js';
import { runCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { syncSources } from '../src/runtime/runtime.js';
import { enqueueBatches, planBatches } from '../src/queue/enqueue-poll.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = (await new FixtureServer().start()).serveStandardFeeds();
  server.serveFixture('/broken.xml', 'broken.xml', 'application/xml');
  server.routes.set('/error', { status: 500, body: 'oops', contentType: 'text/plain' });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

function baseConfig(sources: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, title: 'Test feed', link: 'http://feeds.test/', maxAge: '3650d' },
    fetch: { timeout: '5s', allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources,
  };
}

const GOOD_SOURCES = () => [
  { id: 'harbor', title: 'Harbor Gazette', url: server.url('/rss.xml') },
  { id: 'mountain', title: 'Mountain Notes', url: server.url('/atom.xml') },
  { id: 'river', title: 'River Weekly', url: server.url('/feed.json') },
];

const articleEvents = () => queuedEvents(redisUrl, workspace.prefix);

async function outputs(): Promise<Record<string, { text: string; mtimeMs: number }>> {
  const out: Record<string, { text: string; mtimeMs: number }> = {};
  for (const name of ['feed.xml', 'atom.xml', 'feed.json']) {
    const path = join(workspace.outputDir, name);
    out[name] = { text: await readFile(path, 'utf8'), mtimeMs: (await stat(path)).mtimeMs };
  }
  return out;
}

describe('feedagg run --once', () => {
  it('publishes all three formats and emits one article.created per article; a second run changes nothing', async () => {
    await workspace.writeConfig(baseConfig(GOOD_SOURCES()));
    const first = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/harbor\s+200\s+3\s+3/);
    expect(first.stdout).toMatch(/3 sources, 0 failed, 7 new articles/);

    const files = await outputs();
    for (const name of ['feed.xml', 'atom.xml'] as const) {
      const parsed = await parseFeed(files[name]?.text ?? '');
      expect(parsed.entries).toHaveLength(7);
    }
    const json = JSON.parse(files['feed.json']?.text ?? '{}') as { version: string; items: Array<{ id: string; _feedagg: { sources: unknown[] } }> };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items).toHaveLength(7);
    expect(files['feed.xml']?.text).not.toMatch(/<script|onclick|javascript:|<iframe/i);

    const events = await articleEvents();
    expect(events).toHaveLength(7);
    for (const event of events) {
      expect(event.name).toBe('article.created');
      expect(event.id).toBe(`${event.data.article.id}-v1`);
      expect(event.data).toMatchObject({ v: 1, type: 'article.created', version: 1 });
    }
    expect(new Set(events.map((event) => event.data.article.id)).size).toBe(7);
    const itemIds = json.items.map((item) => item.id).sort();
    expect(itemIds).toEqual(events.map((event) => `tag:feedagg,2024:article/${event.data.article.id}`).sort());

    const second = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/3 sources, 0 failed, 0 new articles/);
    expect(await articleEvents()).toHaveLength(7);
    const after = await outputs();
    for (const name of Object.keys(files)) {
      expect(after[name]?.text).toBe(files[name]?.text);
      expect(after[name]?.mtimeMs).toBe(files[name]?.mtimeMs);
    }
    // The second poll of each source was conditional and answered 304.
    expect(second.stdout).toMatch(/harbor\s+304/);
  });

  it('a malformed feed and an HTTP 500 fail only their sources: exit 3, the others are published', async () => {
    await workspace.writeConfig(baseConfig([
      ...GOOD_SOURCES().slice(0, 1),
      { id: 'broken', url: server.url('/broken.xml') },
      { id: 'down', url: server.url('/error') },
    ]));
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/broken\s+200.*FAILED PARSE/);
    expect(result.stdout).toMatch(/down\s+500.*FAILED HTTP_STATUS/);
    expect(result.stdout).toMatch(/3 sources, 2 failed, 3 new articles/);
    const files = await outputs();
    const parsed = await parseFeed(files['feed.xml']?.text ?? '');
    expect(parsed.entries.map((entry) => entry.title?.value)).toEqual([
      'New lighthouse keeper appointed',
      'Fish market & harbor festival return',
      'Ferry timetable changes for the winter',
    ]);
    const redis = new Redis(redisUrl);
    try {
      const state = await redis.hgetall(`${workspace.prefix}:store:source:broken`);
      expect(JSON.parse(state.lastError ?? '{}')).toMatchObject({ code: 'PARSE' });
      expect(state.consecutiveFailures).toBe('1');
    } finally {
      redis.disconnect();
    }
  });

  it('waits for a poll already queued for a source (its batch, claimed by a tick) instead of polling it twice', async () => {
    let hits = 0;
    server.routes.set('/slow.xml', {
      handler: (_request, response) => {
        hits += 1;
        setTimeout(() => response.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(fixture('rss2.xml')), 500);
      },
    });
    await workspace.writeConfig(baseConfig([{ id: 'slow', url: server.url('/slow.xml') }]));
    // What a tick does: claim the due source, name its batch, queue the batch.
    const runtime = await openTestRuntime(testConfig(redisUrl, workspace.prefix, workspace.outputDir, baseConfig([{ id: 'slow', url: server.url('/slow.xml') }])));
    try {
      await syncSources(runtime);
      const { store, queues } = runtime.context; const { redis, keys } = store;
      expect(await new Store(redis, keys).schedule.claimDueSources(Date.now(), 5 * 60_000)).toEqual(['slow']);
      const batches = planBatches(['slow'], 50);
      await new Store(redis, keys).schedule.recordClaimJobs(batches);
      await enqueueBatches(queues.poll, batches);
    } finally {
      await runtime.close();
    }
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/slow\s+200/);
    expect(hits).toBe(1);
  });

  it('exits 1 when the configured Redis does not answer', async () => {
    await workspace.writeConfig({ ...baseConfig(GOOD_SOURCES()), redis: { url: 'redis://127.0.0.1:1', prefix: workspace.prefix } });
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/REDIS_UNAVAILABLE/);
  });
});
