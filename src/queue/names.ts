/** Queue names and the payload each carries: one map, so producers and processors agree. */

export const QUEUE_NAMES = {
  /** Holds the one job scheduler whose tick enqueues due polls. */
  scheduler: 'scheduler',
  poll: 'poll',
  publish: 'publish',
  /** Downstream: consumers read article events here (DESIGN.md "Downstream events"). */
  articles: 'articles',
} as const;

export interface PollJobData {
  /** A batch: the sources to poll (the tick, run --once, refresh). */
  sourceIds?: string[];
  /** One source (the job form of earlier versions; still understood). */
  sourceId?: string;
  /** The version of the source definitions the enqueuer knew (SourceDirectory): a worker with older ones reads them again first. */
  sources?: number;
  /** When the poll first found its host busy and went back to the queue (epoch ms): its WAIT counts from there. */
  waitingSince?: number;
}

export interface PublishJobData {
  reason: string;
}

export type TickJobData = Record<string, never>;

export const TICK_SCHEDULER_ID = 'feedagg-tick';
export const PUBLISH_DEDUP_ID = 'publish';
