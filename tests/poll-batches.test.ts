/**
 * A poll job is a batch of sources (issue 17): each source gets its own outcome and state, one
 * failing source never fails the batch, a batch delivered again polls only the sources whose
 * claim is still open, and a busy host is waited for in process (no BullMQ delay or retry).
 * In process, on real Redis and a real loopback feed server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createPollProcessor } from '../jobs/poll-source.js';
import type { PollOutcome } from '../src/model/source-state.js';
import { enqueueBatches, planBatches } from '../src/queue/enqueue-poll.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { syncSources } from '../src/runtime/runtime.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;
let runtime: Runtime | null = null;

beforeAll(async () => {
  server = await new FixtureServer().start();
  for (const name of ['a', 'b', 'c']) server.routes.set(`/${name}.xml`, { body: fixture('rss2.xml'), contentType: 'application/rss+xml' });
  server.routes.set('/broken.xml', { status: 500, body: 'oops' });
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

async function open(ids: string[], fetch: Record<string, unknown> = {}): Promise<Runtime> {
  runtime = await openTestRuntime(testConfig(redisUrl, workspace.prefix, workspace.outputDir, {
    sources: ids.map((id) => ({ id, url: server.url(`/${id}.xml`) })),
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms', ...fetch },
  }));
  await syncSources(runtime);
  return runtime;
}

describe('a batch of sources', () => {
  it('gives every source its own outcome: a failing one and an unknown one do not fail the batch', async () => {
    const rt = await open(['a', 'broken', 'b']);
    const poll = createPollProcessor(rt.context);
    const outcomes = (await poll({ data: { sourceIds: ['a', 'broken', 'gone-from-config', 'b'] } })) as PollOutcome[];
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.ok, outcome.error?.code ?? null])).toEqual([
      ['a', true, null], ['broken', false, 'HTTP_STATUS'], ['gone-from-config', false, 'CONFIG'], ['b', true, null],
    ]);
    expect((await rt.context.store.sources.readSourceState('broken')).consecutiveFailures).toBe(1);
    expect((await rt.context.store.sources.readSourceState('a')).lastStatus).toBe(200);
  });

  it('delivered again, polls only the sources whose claim is still open', async () => {
    const rt = await open(['a', 'b']);
    const { store, queues } = rt.context; const { redis, keys } = store;
    expect((await new Store(redis, keys).schedule.claimDueSources(Date.now(), 5 * 60_000)).sort()).toEqual(['a', 'b']);
    const batches = planBatches(['a', 'b'], 50);
    await new Store(redis, keys).schedule.recordClaimJobs(batches);
    await enqueueBatches(queues.poll, batches);
    const poll = createPollProcessor(rt.context);
    // The first delivery polled a, then its worker died before b.
    await poll({ data: { sourceIds: ['a'] } });
    expect(await redis.zscore(keys.claims, 'a')).toBeNull();
    const hitsBefore = server.hits('/a.xml');
    const again = (await poll({ data: { sourceIds: ['a', 'b'] }, attemptsStarted: 2 })) as PollOutcome[];
    expect(server.hits('/a.xml')).toBe(hitsBefore);
    expect(again[0]).toMatchObject({ sourceId: 'a', skipped: expect.stringMatching(/already polled/) });
    expect(again[1]).toMatchObject({ sourceId: 'b', ok: true, status: 200 });
    expect(await redis.zscore(keys.claims, 'b')).toBeNull();
  });

  it('waits for a busy host in process: both sources polled apart, no delayed or retried job', async () => {
    const rt = await open(['a', 'c'], { perHostConcurrency: 1, perHostInterval: '300ms' });
    const poll = createPollProcessor(rt.context);
    const outcomes = (await poll({ data: { sourceIds: ['a', 'c'] } })) as PollOutcome[];
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(Math.max(...outcomes.map((outcome) => outcome.waitMs))).toBeGreaterThanOrEqual(250);
    const counts = await rt.context.queues.poll.getJobCounts('delayed', 'failed', 'waiting');
    expect(counts).toEqual({ delayed: 0, failed: 0, waiting: 0 });
  });
});
