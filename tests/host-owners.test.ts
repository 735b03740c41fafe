/**
 * The per-host gate of issue 17: a host is polled by one process at a time, checked inside the
 * one begin call of a batch. A batch in a second process puts the sources of a host the first
 * one polls back on the schedule (no BullMQ delay, retry or extra job); once the first gives the
 * host back, the second takes it, after the host's spacing. In process (two runtimes stand for
 * two processes), on real Redis and a real loopback feed server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createPollProcessor } from '../jobs/poll-source.js';
import type { PollOutcome } from '../src/model/source-state.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { syncSources } from '../src/runtime/runtime.js';
import { PollSlots } from '../src/runtime/poll-slots.js';
import { startPollNow } from '../src/runtime/poll-now.js';
import { HOST_LEASE_MS } from '../src/runtime/host-owners.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const SLOW_MS = 600;
let server: FixtureServer;
let workspace: Workspace;
const runtimes: Runtime[] = [];

beforeAll(async () => {
  server = await new FixtureServer().start();
  for (const name of ['a', 'b']) {
    server.routes.set(`/${name}.xml`, { handler: (_request, response) => setTimeout(() => response.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(fixture('rss2.xml')), SLOW_MS) });
  }
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await workspace.cleanup(redisUrl);
});

async function open(interval = '0s'): Promise<Runtime> {
  const runtime = await openTestRuntime(testConfig(redisUrl, workspace.prefix, workspace.outputDir, {
    sources: ['a', 'b'].map((id) => ({ id, url: server.url(`/${id}.xml`) })),
    fetch: { allowPrivateNetworks: true, perHostInterval: interval, perHostConcurrency: 4 },
  }));
  runtimes.push(runtime);
  await syncSources(runtime);
  return runtime;
}

describe('one process per host', () => {
  it('a batch whose host another process polls goes back on the schedule at once, claims ended; the host is taken once given back', async () => {
    const first = await open();
    const second = await open();
    const { store, queues } = second.context; const { redis, keys } = store;
    expect((await new Store(redis, keys).schedule.claimDueSources(Date.now(), 5 * 60_000)).sort()).toEqual(['a', 'b']);
    const polling = createPollProcessor(first.context)({ data: { sourceIds: ['a'] } }) as Promise<PollOutcome[]>;
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 3));
    const started = Date.now();
    const [deferred] = (await createPollProcessor(second.context)({ data: { sourceIds: ['b'] } })) as PollOutcome[];
    // Not waited for: back in well under the slow fetch of the first process.
    expect(Date.now() - started).toBeLessThan(SLOW_MS / 2);
    expect(deferred).toMatchObject({ sourceId: 'b', ok: true, skipped: expect.stringMatching(/polled by another process/) });
    expect(deferred?.deferredUntil).toBeGreaterThan(Date.now());
    expect(server.hits('/b.xml')).toBe(0);
    expect(await redis.zscore(keys.claims, 'b')).toBeNull();
    expect(Number(await redis.zscore(keys.schedule, 'b'))).toBe(deferred?.deferredUntil);
    expect(await queues.poll.getJobCounts('delayed', 'waiting', 'failed')).toEqual({ delayed: 0, waiting: 0, failed: 0 });
    const [polled] = await polling;
    expect(polled).toMatchObject({ sourceId: 'a', ok: true, status: 200 });
    // The first process gave the host back with its last poll's end: the second polls it now.
    expect(await redis.hget(keys.hostOwners, '127.0.0.1')).toBeNull();
    const [now] = (await createPollProcessor(second.context)({ data: { sourceIds: ['b'] } })) as PollOutcome[];
    expect(now).toMatchObject({ sourceId: 'b', ok: true, status: 200 });
  });

  it('the next owner of a host waits out the spacing of the last start of the one before', async () => {
    // A spacing well past the slow fetch (600 ms), so that some of it is left under any load.
    const first = await open('3s');
    const second = await open('3s');
    await createPollProcessor(first.context)({ data: { sourceIds: ['a'] } });
    const startedA = server.requests.filter((request) => request.path === '/a.xml').at(-1)?.at ?? 0;
    const [deferred] = (await createPollProcessor(second.context)({ data: { sourceIds: ['b'] } })) as PollOutcome[];
    // a's request started < 3 s ago (it took SLOW_MS): b must wait for the rest.
    expect(deferred?.deferredUntil).toBeGreaterThanOrEqual(startedA + 3000 - 50);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (deferred?.deferredUntil ?? 0) - Date.now())));
    const [polled] = (await createPollProcessor(second.context)({ data: { sourceIds: ['b'] } })) as PollOutcome[];
    expect(polled).toMatchObject({ ok: true, status: 200 });
    const startedB = server.requests.filter((request) => request.path === '/b.xml').at(-1)?.at ?? 0;
    expect(startedB - startedA).toBeGreaterThanOrEqual(3000 - 50);
  });
});

describe('run --once and a host another process polls', () => {
  it('claims and polls the sources again once the host is free, and waits for them', async () => {
    const runtime = await open();
    const { store } = runtime.context; const { redis, keys } = store;
    // Another process holds 127.0.0.1 for 1.5 s more (as if it were polling it).
    await redis.hset(keys.hostOwners, '127.0.0.1', `someone-else|${Date.now() + 1_500}`);
    const pollNow = await startPollNow(runtime, createPollProcessor(runtime.context, { requestPublish: false }));
    const hitsBefore = server.hits('/a.xml');
    const started = Date.now();
    const outcomes = await pollNow.pollMany(['a', 'b']);
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.ok, outcome.status])).toEqual([['a', true, 200], ['b', true, 200]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(server.hits('/a.xml')).toBe(hitsBefore + 1);
  });
});

describe('run --once and a poll another process gives up', () => {
  it('polls a source itself when the other process gives its claim back without a record (it stopped mid-poll)', async () => {
    const runtime = await open();
    const { store } = runtime.context;
    // Another process's batch holds a's claim (its job lives on, so the claim is not taken as lost).
    await store.redis.zadd(store.keys.claims, Date.now(), 'a');
    await store.redis.hset(store.keys.claimJobs, 'a', 'elsewhere-job');
    const pollNow = await startPollNow(runtime, createPollProcessor(runtime.context, { requestPublish: false }));
    const hitsBefore = server.hits('/a.xml');
    const outcomes = pollNow.pollMany(['a']);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(server.hits('/a.xml')).toBe(hitsBefore);
    // The other process stops: its claim goes, no record is written.
    await store.schedule.releaseClaims(['a']);
    const [outcome] = await outcomes;
    expect(outcome).toMatchObject({ sourceId: 'a', ok: true, status: 200 });
    expect(server.hits('/a.xml')).toBe(hitsBefore + 1);
  });
});

describe('run --once when a completion event never comes', () => {
  it('reads the outcomes from the sources\' records once the batch\'s claims are gone (a missed event never makes it wait forever)', async () => {
    const runtime = await open();
    const pollNow = await startPollNow(runtime, createPollProcessor(runtime.context, { requestPublish: false }));
    // The completion events stop here: as if the stream read were lost with its connection.
    for (const events of runtime.queueEvents) await events.close();
    const outcomes = await pollNow.pollMany(['a', 'b']);
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.ok, outcome.status])).toEqual([['a', true, 200], ['b', true, 200]]);
  });
});

describe('host leases', () => {
  it('are renewed while this process still polls the host (a fetch longer than the lease keeps it), and lapse otherwise', async () => {
    const runtime = await open();
    const { store, hostOwners } = runtime.context; const { redis, keys } = store;
    const soon = async () => Number((await redis.hget(keys.hostOwners, 'renewed.example'))?.split('|')[1] ?? 0);
    await redis.hset(keys.hostOwners, 'renewed.example', `${hostOwners.owner}|${Date.now() + 500}`);
    hostOwners.pin('renewed.example');
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect(await soon()).toBeGreaterThan(Date.now() + HOST_LEASE_MS - 4_000);
    hostOwners.unpin('renewed.example');
    // Given back with the next poll ends (here: a release with none).
    await runtime.context.finishes.release();
    expect(await redis.hget(keys.hostOwners, 'renewed.example')).toBeNull();
  });
});

describe('PollSlots spacing', () => {
  it('keeps a host\'s spacing after its line ended (no poll waiting), in whole milliseconds', async () => {
    const slots = new PollSlots(() => ({ concurrency: 4, perHost: 2, intervalMs: 200 }));
    const first = await slots.turn('h');
    first.release();
    const started = Date.now();
    const second = await slots.turn('h');
    second.release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(second.waitedMs).toBeGreaterThanOrEqual(190);
    expect(slots.spacingLeft('h')).toBeGreaterThan(150);
    expect(slots.spacingLeft('other')).toBe(0);
  });
});
