/**
 * Every poll's outcome is recorded, also when the error is unforeseen; a Redis failure is not
 * the source's fault; Retry-After is capped and atomic, and `refresh` lifts a host's hold.
 * In process, on real Redis and a real loopback feed server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createPollProcessor } from '../jobs/poll-source.js';
import type { DocumentReader } from '../src/runtime/document-pool.js';
import { enqueuePoll } from '../src/queue/enqueue-poll.js';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { syncSources } from '../src/runtime/runtime.js';
import { storeKeys } from '../src/store/keys.js';
import { runCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { createWorkspace, deletePrefix, type Workspace } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const RSS = fixture('rss2.xml');
let server: FixtureServer;
let workspace: Workspace;
let runtime: Runtime | null = null;

beforeAll(async () => {
  server = await new FixtureServer().start();
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(async () => {
  await runtime?.close();
  runtime = null;
  await workspace.cleanup(redisUrl);
});

async function open(url: string, sources: Array<Record<string, unknown>>, overrides: Record<string, unknown> = {}): Promise<Runtime> {
  runtime = await openTestRuntime(testConfig(url, workspace.prefix, workspace.outputDir, { sources, ...overrides }));
  await syncSources(runtime);
  return runtime;
}

/** Document threads that fail the way an unforeseen bug would (the rest of the poll is real). */
function failingReader(error: Error): DocumentReader {
  return { read: () => Promise.reject(error), close: () => Promise.resolve() };
}

describe('unforeseen errors', () => {
  it('are recorded as INTERNAL with their message, and the source backs off like any failure', async () => {
    server.routes.set('/poison.xml', { body: RSS });
    const { context } = await open(redisUrl, [{ id: 'poison', url: server.url('/poison.xml') }]);
    context.documents = failingReader(new RangeError('Invalid string length'));
    const poll = createPollProcessor(context);
    const before = Date.now();
    const outcome = await poll({ data: { sourceId: 'poison' } });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'RangeError: Invalid string length' } });
    const state = await context.store.sources.readSourceState('poison');
    expect(state).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'INTERNAL', message: 'RangeError: Invalid string length' }, lastStatus: 200 });
    // Not due again at the next tick: the next poll is at least minInterval (5m, less jitter) away.
    const next = (await context.store.schedule.nextPollTimes(['poison'])).get('poison') ?? 0;
    expect(next).toBeGreaterThan(before + 4 * 60_000);
    expect(await context.store.schedule.dueSources(Date.now() + 60_000)).not.toContain('poison');
    const sources = await runCli(['sources', '--json', '--config', await writeConfig()]);
    expect(JSON.parse(sources.stdout)[0]).toMatchObject({ id: 'poison', lastError: { code: 'INTERNAL' }, consecutiveFailures: 1 });
  });

  it('a poll that works again clears the error', async () => {
    server.routes.set('/flaky.xml', { body: RSS });
    const { context } = await open(redisUrl, [{ id: 'flaky', url: server.url('/flaky.xml') }]);
    const threads = context.documents;
    context.documents = failingReader(new TypeError('boom'));
    await createPollProcessor(context)({ data: { sourceId: 'flaky' } });
    context.documents = threads;
    const outcome = await createPollProcessor(context)({ data: { sourceId: 'flaky' } });
    expect(outcome).toMatchObject({ ok: true, created: 3 });
    expect(await context.store.sources.readSourceState('flaky')).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });
});

async function writeConfig(): Promise<string> {
  const config = runtime?.context.config;
  await workspace.writeConfig({
    redis: { url: config?.redis.url, prefix: workspace.prefix },
    output: { dir: workspace.outputDir },
    fetch: { allowPrivateNetworks: true },
    sources: config?.sources.map(({ id, url }) => ({ id, url })),
  });
  return workspace.configPath;
}

describe('a Redis failure during a poll', () => {
  let dir: string;
  let redis: EmbeddedRedis;
  let admin: Redis;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'feedagg-oom-'));
    redis = await startEmbeddedRedis(dir);
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is retried and never held against the source (no failure, no CONNECTION error)', async () => {
    // The feed server fills Redis up (maxmemory 1 byte) while it answers: the poll's writes
    // then meet Redis's own OOM error, as they would on a full production Redis.
    server.routes.set('/oom.xml', {
      handler: (_request, response) => {
        void admin.config('SET', 'maxmemory', '1').then(() => response.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(RSS));
      },
    });
    const { context } = await open(redis.url, [{ id: 'oom', url: server.url('/oom.xml') }]);
    const poll = createPollProcessor(context);
    const error = await poll({ data: { sourceId: 'oom' } }).then(() => null, (caught: unknown) => caught);
    await admin.config('SET', 'maxmemory', '0');
    expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toMatch(/OOM/);
    expect(await context.store.sources.readSourceState('oom')).toMatchObject({ consecutiveFailures: 0, lastError: null, lastPollAt: null });
    // The job is retried with backoff; the retry works once Redis does.
    const job = await enqueuePoll(context.queues.poll, 'never-run');
    expect(job.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 5_000 } });
    server.routes.set('/oom.xml', { body: RSS });
    expect(await poll({ data: { sourceId: 'oom' } })).toMatchObject({ ok: true, created: 3 });
  });

  it('while beginning the poll (state and per-host slot) is REDIS_UNAVAILABLE, not a CONNECTION failure of the feed', async () => {
    server.routes.set('/slot.xml', { body: RSS });
    const { context } = await open(redis.url, [{ id: 'slot', url: server.url('/slot.xml') }]);
    // Redis refuses every write while it has fewer replicas than min-replicas-to-write (NOREPLICAS).
    await admin.config('SET', 'min-replicas-to-write', '1');
    const error = await createPollProcessor(context)({ data: { sourceId: 'slot' } }).then(() => null, (caught: unknown) => caught);
    await admin.config('SET', 'min-replicas-to-write', '0');
    expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/Redis failed while beginning the poll of slot: NOREPLICAS/);
    expect(server.hits('/slot.xml')).toBe(0);
    expect(await context.store.sources.readSourceState('slot')).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });
});

describe('Retry-After', () => {
  it('is capped at schedule.maxRetryAfter, and refresh lifts the hold on its own host', async () => {
    server.routes.set('/forever.xml', { status: 429, headers: { 'Retry-After': '999999999999' } });
    const { context } = await open(redisUrl, [{ id: 'forever', url: server.url('/forever.xml') }], { schedule: { maxRetryAfter: '1h' } });
    const before = Date.now();
    const outcome = await createPollProcessor(context)({ data: { sourceId: 'forever' } });
    expect(outcome).toMatchObject({ ok: false, status: 429 });
    const hold = await context.store.hosts.hostHold('127.0.0.1', Date.now());
    expect(hold).toBeGreaterThan(before + 3_500_000);
    expect(hold).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const next = (await context.store.schedule.nextPollTimes(['forever'])).get('forever') ?? 0;
    expect(next).toBeLessThanOrEqual(Date.now() + 3_600_000);

    server.routes.set('/forever.xml', { body: RSS });
    const refresh = await runCli(['refresh', 'forever', '--config', await writeConfig()]);
    expect(refresh.stdout).toMatch(/forever\s+200\s+3\s+3\s+0\s+0/);
    expect(refresh.code).toBe(0);
    expect(await context.store.hosts.hostHold('127.0.0.1', Date.now())).toBeNull();
  });

  it('keeps the later time when workers race to set it', async () => {
    const keys = storeKeys(workspace.prefix);
    const clients = Array.from({ length: 4 }, () => new Redis(redisUrl));
    const now = Date.now();
    const times = Array.from({ length: 200 }, (_, index) => now + 60_000 + ((index * 7919) % 200) * 1000);
    try {
      await Promise.all(times.map((until, index) => new Store(clients[index % 4] as Redis, keys).hosts.holdHost('race.example', until)));
      expect(await new Store(clients[0] as Redis, keys).hosts.hostHold('race.example', now)).toBe(Math.max(...times));
      expect(await new Store(clients[0] as Redis, keys).hosts.holdHost('race.example', now + 61_000)).toBe(false);
      expect(await new Store(clients[0] as Redis, keys).hosts.hostHold('race.example', now)).toBe(Math.max(...times));
    } finally {
      for (const client of clients) client.disconnect();
      await deletePrefix(redisUrl, workspace.prefix);
    }
  });
});
