/**
 * The Store: everything feedagg keeps in Redis, behind one object that owns the connection, the
 * key names (keys.ts) and the Lua scripts (scripts.ts), as BullMQ's Scripts class builds every
 * script's keys in one place. Its parts hold the methods by key family:
 * - `articles` (article-store.ts): the accept script, metas and bodies, the article index;
 * - `schedule` (schedule-store.ts): next poll times and the claims of ticks;
 * - `polls` (poll-store.ts): the start and end of polls, host owners;
 * - `sources` (source-state-store.ts): each source's state and recent outcomes;
 * - `hosts` (host-store.ts): Retry-After holds;
 * - `outbox` (outbox-store.ts): events not yet handed to the queue;
 * - `outputs` (output-store.ts): published documents and the publish record;
 * - `workingSet` (working-set.ts): what keeps its body, and the sweeps;
 * - `deployment` (deployment-store.ts): the published source definitions and settings, the
 *   running start's beat, the publish lease;
 * - `metrics` (metrics-store.ts): the deployment-wide counters of /metrics.
 */
import { ArticleStore } from './article-store.js';
import { DeploymentStore } from './deployment-store.js';
import { HostStore } from './host-store.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { MetricsStore } from './metrics-store.js';
import { OutboxStore } from './outbox-store.js';
import { OutputStore } from './output-store.js';
import { PollStore } from './poll-store.js';
import type { RedisClient } from '../redis/client.js';
import { ScheduleStore } from './schedule-store.js';
import { Scripts } from './scripts.js';
import { SourceStateStore } from './source-state-store.js';
import { WorkingSet } from './working-set.js';

export class Store {
  readonly keys: StoreKeys;
  readonly scripts: Scripts;
  readonly articles = new ArticleStore(this);
  readonly schedule = new ScheduleStore(this);
  readonly polls = new PollStore(this);
  readonly sources = new SourceStateStore(this);
  readonly hosts = new HostStore(this);
  readonly outbox = new OutboxStore(this);
  readonly outputs = new OutputStore(this);
  readonly workingSet = new WorkingSet(this);
  readonly deployment = new DeploymentStore(this);
  readonly metrics = new MetricsStore(this);

  /** `prefix`: redis.prefix (or the key names already made from it). */
  constructor(readonly redis: RedisClient, prefix: string | StoreKeys) {
    this.keys = typeof prefix === 'string' ? storeKeys(prefix) : prefix;
    this.scripts = new Scripts(redis);
  }
}
