/**
 * The scheduler tick: enqueue a poll for every source whose next-poll time has come, and hand
 * over any article events a crashed poll left in the outbox. Its cost follows the sources
 * that are due, not all of them: claimed sources move a lease ahead, so later ticks do not
 * add them again while their polls wait in the queue.
 */
import type { AppContext } from '../src/runtime/context.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { enqueueBatches, planBatches } from '../src/queue/enqueue-poll.js';
import { hostOf } from '../src/store/source-state-store.js';

export interface TickResult {
  enqueued: string[];
  redelivered: number;
  /** Sources whose poll was lost after a claim (see requeue-lost.lua), due again now. */
  requeued: string[];
}

/**
 * A claim older than this whose batch job is gone is a lost poll. The tick adds the
 * jobs right after its claim, so only a crash or an outage in between (or a job failed for
 * good) leaves one; this bounds what such a loss delays a source by.
 */
export const CLAIM_GRACE_MS = 15_000;
/** How often a tick looks for lost polls (each look reads only claims older than the grace). */
const REQUEUE_EVERY_MS = 5_000;

/** How long a claimed source may wait in the queue before a tick may claim it again. */
export function claimLease(tickMs: number): number {
  return Math.max(10 * tickMs, 5 * 60_000);
}

export function createTickProcessor(context: AppContext) {
  let lastRequeue = 0;
  return async function scheduleTick(): Promise<TickResult> {
    const now = context.now();
    let requeued: string[] = [];
    if (now.getTime() - lastRequeue >= REQUEUE_EVERY_MS) {
      lastRequeue = now.getTime();
      const jobKey = (jobId: string) => context.queues.poll.toKey(jobId);
      requeued = await context.store.schedule.requeueLostPolls(jobKey, now.getTime() - CLAIM_GRACE_MS, now.getTime());
      if (requeued.length > 0) context.log.warn({ sources: requeued.slice(0, 20), count: requeued.length }, 'polls lost after their claim (a crash or an outage): due again now');
    }
    const due = await context.store.schedule.claimDueSources(now.getTime(), claimLease(context.config.schedule.tick));
    // A due source this process does not know was just added: read the definitions now.
    await context.sources.refresh(Date.now(), due.some((sourceId) => !context.sources.get(sourceId)));
    const enqueued = due.filter((sourceId) => context.sources.get(sourceId)?.enabled);
    // Not enqueued (disabled, or unknown even after the re-read): no poll will end the claim.
    const polled = new Set(enqueued);
    await context.store.schedule.releaseClaims(due.filter((sourceId) => !polled.has(sourceId)));
    // The claims name their batch before it is queued: a crash in between leaves claims whose
    // job never existed, which requeue-lost.lua finds.
    const batches = planBatches(enqueued, context.config.schedule.batchSize, (id) => hostOf(context.sources.get(id)?.url ?? ''));
    await context.store.schedule.recordClaimJobs(batches);
    await enqueueBatches(context.queues.poll, batches, context.sources.currentVersion ?? undefined);
    const pending = await context.store.outbox.pendingEvents();
    const redelivered = await deliverEvents(context.store, context.queues.articles, pending.map((event) => event.member), context.config.articles, now);
    if (enqueued.length > 0 || redelivered > 0) context.log.debug({ enqueued: enqueued.length, redelivered }, 'tick');
    return { enqueued, redelivered, requeued };
  };
}
