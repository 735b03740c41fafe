/**
 * The scheduler tick: enqueue a poll for every source whose next-poll time has come, and hand
 * over any article events a crashed poll left in the outbox.
 */
import type { AppContext } from '../src/runtime/context.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { enqueuePoll } from '../src/queue/enqueue-poll.js';
import { pendingEvents } from '../src/store/outbox-store.js';
import { dueSources } from '../src/store/schedule-store.js';

export interface TickResult {
  enqueued: string[];
  redelivered: number;
}

export function createTickProcessor(context: AppContext) {
  return async function scheduleTick(): Promise<TickResult> {
    const now = context.now();
    const due = await dueSources(context.redis, context.keys, now.getTime());
    const enqueued: string[] = [];
    for (const sourceId of due) {
      if (!context.sources.get(sourceId)?.enabled) continue;
      await enqueuePoll(context.queues.poll, sourceId);
      enqueued.push(sourceId);
    }
    const pending = await pendingEvents(context.redis, context.keys);
    const redelivered = await deliverEvents(context.redis, context.keys, context.queues.articles, pending.map((event) => event.member), context.config.articles, now);
    if (enqueued.length > 0 || redelivered > 0) context.log.debug({ enqueued, redelivered }, 'tick');
    return { enqueued, redelivered };
  };
}
