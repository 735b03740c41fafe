/** What every job processor receives: config slices, connections and queues, no globals. */
import type { Queue } from 'bullmq';
import type { RedisClient as Redis } from '../redis/client.js';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { HttpClients } from '../fetch/http-clients.js';
import type { ArticleEvent, ArticleEventType } from '../model/article-event.js';
import type { PollOutcome } from '../model/source-state.js';
import type { PollJobData, PublishJobData, TickJobData } from '../queue/names.js';
import type { Store } from '../store/store.js';
import type { BacklogWarning } from '../queue/event-backlog.js';
import type { ByteBudget } from './byte-budget.js';
import type { DocumentReader } from './document-pool.js';
import type { HeapPacer } from './collect-garbage.js';
import type { SourceDirectory } from './source-directory.js';
import type { PollSlots } from './poll-slots.js';
import type { HostOwners } from './host-owners.js';
import type { FinishQueue } from '../store/poll-store.js';

export interface Queues {
  scheduler: Queue<TickJobData, unknown, string>;
  poll: Queue<PollJobData, unknown, 'poll'>;
  publish: Queue<PublishJobData, unknown, 'publish'>;
  articles: Queue<ArticleEvent, unknown, ArticleEventType>;
}

export interface AppContext {
  config: Config;
  /** The sources of the deployment, as `start` last published them (see SourceDirectory). */
  sources: SourceDirectory;
  /** feedagg's own data in Redis: its connection (auto pipelining), key names and scripts (store/store.ts). */
  store: Store;
  /** BullMQ's queues and workers. */
  bullConnection: Redis;
  queues: Queues;
  log: Logger;
  userAgent: string;
  http: HttpClients;
  /** Bytes of documents parsed at once in this process (see ByteBudget). */
  parseBudget: ByteBudget;
  /** Threads that read documents under fetch.maxParseTime (the main thread only does I/O). */
  documents: DocumentReader;
  /** Told of every poll this process finishes, as it finishes (run --once's progress within a batch). */
  pollListeners: Set<(outcome: PollOutcome) => void>;
  /** This process's poll slots and per-host turns (see poll-slots.ts). */
  pollSlots: PollSlots;
  /** The hosts this process polls now, as their one owner in the deployment. */
  hostOwners: HostOwners;
  /** Poll ends, stored a few at a time (one script call per few milliseconds). */
  finishes: FinishQueue;
  /** Collects garbage after a poll when the heap grew well past what is live. */
  heapPacer: HeapPacer;
  /** Warns when article events pile up with no consumer (articles.warnBacklog). */
  backlogWarning: BacklogWarning;
  /** The last publish this process ran failed (null after a good one): /readyz says so. */
  publishFailure: { at: string; message: string } | null;
  /** Output folders this process cannot write (checked at start-up, reload and publish): /readyz says so. */
  outputProblem: string | null;
  /** Aborted near the shutdown deadline: fetches in flight end INTERRUPTED and their polls go back to the queue. */
  interrupt: AbortController;
  /** The clock, injectable for tests. */
  now: () => Date;
}
