/**
 * Article events no consumer has taken yet. Each carries a whole article, and BullMQ removes
 * a job only once it completes (articles.keepCompleted / keepAge), so with no consumer the
 * `articles` queue grows without bound. The count is shown by `feedagg sources`, and the
 * publish job warns when it passes `articles.warnBacklog`.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Store } from '../store/store.js';

export interface EventBacklog {
  /** Jobs on the `articles` queue waiting for a consumer (waiting, prioritized, delayed). */
  waiting: number;
  /** Events the store holds that are not on the queue yet (a crash or an outage in between). */
  outbox: number;
}

export async function eventBacklog(store: Store, queue: Queue): Promise<EventBacklog> {
  const [counts, outbox] = await Promise.all([queue.getJobCounts('waiting', 'prioritized', 'delayed'), store.outbox.countPending()]);
  return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), outbox };
}

export const BACKLOG_ADVICE = 'run a consumer of the articles queue, or set articles.enabled: false when nothing consumes it';

export function describeBacklog(backlog: EventBacklog): string {
  const outbox = backlog.outbox > 0 ? `, ${backlog.outbox} more not yet queued` : '';
  return `article events waiting for a consumer: ${backlog.waiting}${outbox}`;
}

/** Warn when the backlog passes `threshold`: once, then again every `everyMs` while it stays. */
export class BacklogWarning {
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly log: Logger, private readonly threshold: number, private readonly everyMs = 10 * 60_000) {}

  check(backlog: EventBacklog, now: number): boolean {
    const total = backlog.waiting + backlog.outbox;
    if (this.threshold <= 0 || total < this.threshold) {
      this.lastWarnAt = Number.NEGATIVE_INFINITY;
      return false;
    }
    if (now - this.lastWarnAt < this.everyMs) return false;
    this.lastWarnAt = now;
    this.log.warn({ waiting: backlog.waiting, outbox: backlog.outbox, threshold: this.threshold }, `${total} article events wait for a consumer (articles.warnBacklog is ${this.threshold}): ${BACKLOG_ADVICE}`);
    return true;
  }
}
