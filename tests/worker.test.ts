/**
 * `feedagg worker` processes poll jobs that another process (here: the test, as a scheduler
 * would) put on the queue, and the schedule follows the config on start-up.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parseConfigText } from '../config/load-config.js';
import type { PollOutcome } from '../src/model/source-state.js';
import { openRuntime, syncSources } from '../src/runtime/runtime.js';
import { queuedEvents } from './helpers/article-queue.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { harborTexts, storyFeeds } from './helpers/story-feeds.js';
import { spawnCli } from './helpers/cli.js';
import { withWorkers } from './helpers/workers.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;
beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/atom.xml', 'atom.xml', 'application/atom+xml');
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

describe('feedagg worker', () => {
  it('processes queued poll jobs and exits 0 on SIGTERM', async () => {
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      output: { dir: workspace.outputDir },
      fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
      sources: [{ id: 'mountain', url: server.url('/atom.xml') }],
    });
    const exits = await withWorkers(1, workspace.configPath, redisUrl, workspace.prefix, async ({ queue, events }) => {
      const job = await queue.add('poll', { sourceId: 'mountain' }, { deduplication: { id: 'mountain' } });
      const outcome = (await job.waitUntilFinished(events, 20_000)) as PollOutcome;
      expect(outcome).toMatchObject({ sourceId: 'mountain', ok: true, status: 200, entries: 2, created: 2 });
    });
    expect(exits).toEqual([0]);
  });
});

describe('shutdown', () => {
  it('SIGINT closes a worker cleanly (exit 0), as SIGTERM does', async () => {
    await workspace.writeConfig({ redis: { url: redisUrl, prefix: workspace.prefix }, sources: [] });
    const child = spawnCli(['worker', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('feedagg worker started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('"signal":"SIGINT"');
  });
});

describe('schedule sync on start-up', () => {
  it('adds new sources as due now, keeps known times, drops removed and disabled sources', async () => {
    const log = pino({ level: 'silent' });
    const yaml = (sources: string) => `redis: { url: "${redisUrl}", prefix: ${workspace.prefix} }\nsources:\n${sources}`;
    const first = parseConfigText(yaml('  - { id: a, url: "http://a.example/f" }\n  - { id: b, url: "http://b.example/f" }'), 't', {});
    const runtime = await openRuntime(first, log, () => new Date(1_000));
    const redis = new Redis(redisUrl);
    const scheduleKey = `${workspace.prefix}:store:schedule`;
    try {
      await syncSources(runtime);
      expect(await redis.zrange(scheduleKey, 0, -1, 'WITHSCORES')).toEqual(['a', '1000', 'b', '1000']);
      await redis.zadd(scheduleKey, 5_000, 'a');
      await runtime.close();
      const second = parseConfigText(yaml('  - { id: a, url: "http://a.example/f" }\n  - { id: b, url: "http://b.example/f", enabled: false }\n  - { id: c, url: "http://c.example/f" }'), 't', {});
      const again = await openRuntime(second, log, () => new Date(2_000));
      await syncSources(again);
      await again.close();
      expect(await redis.zrange(scheduleKey, 0, -1, 'WITHSCORES')).toEqual(['c', '2000', 'a', '5000']);
      expect(await redis.hget(`${workspace.prefix}:store:source:b`, 'state')).toBe('disabled');
    } finally {
      redis.disconnect();
    }
  });
});

describe('two worker processes', () => {
  it('receiving copies of one story at the same moment create one article', async () => {
    const feeds = storyFeeds(harborTexts());
    server.routes.set('/wire.xml', { body: feeds.wire, contentType: 'application/rss+xml' });
    server.routes.set('/portal.json', { body: feeds.portal, contentType: 'application/feed+json' });
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      output: { dir: workspace.outputDir },
      fetch: { allowPrivateNetworks: true, perHostInterval: '10ms', perHostConcurrency: 4 },
      sources: [{ id: 'wire', url: server.url('/wire.xml') }, { id: 'portal', url: server.url('/portal.json') }],
    });
    await withWorkers(2, workspace.configPath, redisUrl, workspace.prefix, async ({ queue, events }) => {
      const jobs = await Promise.all([queue.add('poll', { sourceId: 'wire' }), queue.add('poll', { sourceId: 'portal' })]);
      const outcomes = (await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 20_000)))) as PollOutcome[];
      expect(outcomes.map((outcome) => outcome.created + outcome.merged)).toEqual([1, 1]);
    });
    const delivered = await queuedEvents(redisUrl, workspace.prefix);
    expect(delivered.filter((event) => event.name === 'article.created')).toHaveLength(1);
    expect(delivered.filter((event) => event.name === 'article.updated')).toHaveLength(1);
  });
});
