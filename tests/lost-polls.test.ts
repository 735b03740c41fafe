/**
 * A poll lost between the tick's claim and its end (the scheduler killed right after its claim,
 * Redis gone before the enqueue, a job failed for good) costs a source seconds, not the 5-minute
 * claim lease: CI's fault suite once found a farm source unpolled for 90 s after the chaos.
 * A poll job is a batch of sources (issue 17): a claim is lost when its batch job is gone or
 * finished. In process, on real Redis and a real loopback feed server; the tick's clock is moved instead
 * of waiting out the grace.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { PollOutcome } from '../src/model/source-state.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CLAIM_GRACE_MS, createTickProcessor } from '../jobs/schedule-tick.js';
import { createPollProcessor } from '../jobs/poll-source.js';
import { QUEUE_NAMES } from '../src/queue/names.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { syncSources } from '../src/runtime/runtime.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;
let runtime: Runtime | null = null;
let clock = Date.now();

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.routes.set('/a.xml', { body: fixture('rss2.xml') });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
  clock = Date.now();
});
afterEach(async () => {
  await runtime?.close();
  runtime = null;
  await workspace.cleanup(redisUrl);
});

async function open(): Promise<Runtime> {
  runtime = await openTestRuntime(testConfig(redisUrl, workspace.prefix, workspace.outputDir, { sources: [{ id: 'a', url: server.url('/a.xml') }] }));
  runtime.context.now = () => new Date(clock);
  await syncSources(runtime);
  return runtime;
}

async function pollJobs(rt: Runtime): Promise<number> {
  const counts = await rt.context.queues.poll.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe('a poll lost after the tick claimed its source', () => {
  it('is due again once the grace has passed, and enqueued by that tick (a crash between claim and enqueue)', async () => {
    const rt = await open();
    const { store } = rt.context; const { redis, keys } = store;
    // The claim of a tick whose process died before it enqueued anything.
    expect(await new Store(redis, keys).schedule.claimDueSources(clock, 5 * 60_000)).toEqual(['a']);
    expect(await pollJobs(rt)).toBe(0);
    const tick = createTickProcessor(rt.context);
    clock += CLAIM_GRACE_MS - 1_000;
    expect(await tick()).toMatchObject({ enqueued: [], requeued: [] });
    clock += 6_000;
    expect(await tick()).toMatchObject({ enqueued: ['a'], requeued: ['a'] });
    expect(await pollJobs(rt)).toBe(1);
  });

  it('is not taken for lost while its job waits in the queue, however long', async () => {
    const rt = await open();
    const tick = createTickProcessor(rt.context);
    expect((await tick()).enqueued).toEqual(['a']);
    clock += 10 * CLAIM_GRACE_MS;
    expect(await tick()).toMatchObject({ enqueued: [], requeued: [] });
    expect(await pollJobs(rt)).toBe(1);
  });

  it('is due again after its job failed for good, and a poll that ends leaves no claim behind', async () => {
    const rt = await open();
    const { store } = rt.context; const { redis, keys } = store;
    const tick = createTickProcessor(rt.context);
    expect((await tick()).enqueued).toEqual(['a']);
    // A job that fails without retries never reaches the end of its poll.
    const failing = new Worker(QUEUE_NAMES.poll, async () => {
      throw new UnrecoverableError('a bug');
    }, { connection: rt.context.bullConnection, prefix: workspace.prefix });
    await waitFor('the poll job to fail', async () => ((await rt.context.queues.poll.getJobCounts('failed')).failed === 1 ? true : null));
    await failing.close();
    clock += CLAIM_GRACE_MS + 6_000;
    expect(await tick()).toMatchObject({ enqueued: ['a'], requeued: ['a'] });
    expect(await redis.zscore(keys.claims, 'a')).not.toBeNull();
    // This time the poll runs and ends: its end drops the claim with the next poll time.
    const poll = createPollProcessor(rt.context);
    const job = (await rt.context.queues.poll.getJobs(['waiting']))[0];
    const outcomes = (await poll(job as NonNullable<typeof job>)) as PollOutcome[];
    expect(outcomes.map((outcome) => [outcome.sourceId, outcome.ok])).toEqual([['a', true]]);
    expect(await redis.zscore(keys.claims, 'a')).toBeNull();
  });
});
