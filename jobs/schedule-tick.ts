/**
 * The scheduler tick: enqueue a poll for every source whose next-poll time has come, and hand
 * over any article events a crashed poll left in the outbox. Its cost follows the sources
 * that are due, not all of them: claimed sources move a lease ahead, so later ticks do not
 * add them again while their polls wait in the queue.
 */
import type { AppContext } from '../src/runtime/context.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { enqueuePolls } from '../src/queue/enqueue-poll.js';
import { pendingEvents } from '../src/store/outbox-store.js';
import { claimDueSources } from '../src/store/schedule-store.js';

export interface TickResult {
  enqueued: string[];
  redelivered: number;
}

/** How long a claimed source may wait in the queue before a tick may claim it again. */
export function claimLease(tickMs: number): number {
  return Math.max(10 * tickMs, 5 * 60_000);
}

export function createTickProcessor(context: AppContext) {
  return async function scheduleTick(): Promise<TickResult> {
    const now = context.now();
    const due = await claimDueSources(context.redis, context.keys, now.getTime(), claimLease(context.config.schedule.tick));
    // A due source this process does not know was just added: read the definitions now.
    await context.sources.refresh(Date.now(), due.some((sourceId) => !context.sources.get(sourceId)));
    const enqueued = due.filter((sourceId) => context.sources.get(sourceId)?.enabled);
    await enqueuePolls(context.queues.poll, enqueued, context.sources.currentVersion ?? undefined);
    const pending = await pendingEvents(context.redis, context.keys);
    const redelivered = await deliverEvents(context.redis, context.keys, context.queues.articles, pending.map((event) => event.member), context.config.articles, now);
    if (enqueued.length > 0 || redelivered > 0) context.log.debug({ enqueued: enqueued.length, redelivered }, 'tick');
    return { enqueued, redelivered };
  };
}
