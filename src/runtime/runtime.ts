/** Connections, queues and workers of one process, and their orderly shutdown. */
import { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { closeHttpClients, createHttpClients } from '../fetch/http-clients.js';
import { createPollProcessor } from '../../jobs/poll-source.js';
import { createPublishProcessor } from '../../jobs/publish-feeds.js';
import { createTickProcessor } from '../../jobs/schedule-tick.js';
import { QUEUE_NAMES, TICK_SCHEDULER_ID } from '../queue/names.js';
import { createRedis, resolveRedis, warnOnEvictionPolicy, type RedisTarget } from '../queue/redis-connection.js';
import { storeKeys } from '../store/keys.js';
import { syncSchedule } from '../store/schedule-store.js';
import { updateSourceState } from '../store/source-state-store.js';
import { runCloseSteps, type CloseStep } from './close-steps.js';
import type { AppContext, Queues } from './context.js';
import { userAgent } from './version.js';

export interface Runtime {
  context: AppContext;
  target: RedisTarget;
  workers: Worker[];
  queueEvents: QueueEvents[];
  /** Extra steps run first on close (e.g. the HTTP server). */
  beforeClose: CloseStep[];
  close(): Promise<string[]>;
}

/** Poll jobs wait on the network, so many may run at once per process. */
const POLL_CONCURRENCY = Number(process.env.FEEDAGG_POLL_CONCURRENCY ?? 8);

function createQueues(redis: Redis, prefix: string): Queues {
  const options = { connection: redis, prefix };
  return {
    scheduler: new Queue(QUEUE_NAMES.scheduler, options),
    poll: new Queue(QUEUE_NAMES.poll, options),
    publish: new Queue(QUEUE_NAMES.publish, options),
    articles: new Queue(QUEUE_NAMES.articles, options),
  };
}

export async function openRuntime(config: Config, log: Logger, now: () => Date = () => new Date()): Promise<Runtime> {
  const target = await resolveRedis(config.redis.url, log);
  const redis = createRedis(target.url, 'feedagg');
  redis.on('error', (error: Error) => log.error({ err: error.message }, 'redis connection error'));
  await warnOnEvictionPolicy(redis, log);
  const context: AppContext = {
    config,
    sources: new Map(config.sources.map((source) => [source.id, source])),
    redis,
    keys: storeKeys(config.redis.prefix),
    queues: createQueues(redis, config.redis.prefix),
    log,
    userAgent: config.fetch.userAgent ?? userAgent(),
    http: createHttpClients(),
    now,
  };
  const runtime: Runtime = {
    context, target, workers: [], queueEvents: [], beforeClose: [],
    close: () => runCloseSteps([
      ...runtime.beforeClose,
      ...runtime.workers.map((worker) => ({ name: `worker ${worker.name}`, run: () => worker.close() })),
      ...runtime.queueEvents.map((events) => ({ name: `queue events ${events.name}`, run: () => events.close() })),
      ...Object.values(context.queues).map((queue) => ({ name: `queue ${queue.name}`, run: () => queue.close() })),
      { name: 'http clients', run: () => closeHttpClients(context.http) },
      { name: 'redis', run: () => redis.quit() },
      ...(target.embedded ? [{ name: 'embedded redis-server', run: () => target.embedded?.stop() ?? Promise.resolve() }] : []),
    ], log),
  };
  return runtime;
}

/** Put the config's sources on the schedule (new ones due now) and mark disabled ones. */
export async function syncSources(runtime: Runtime): Promise<void> {
  const { config, redis, keys, log } = runtime.context;
  const enabled = config.sources.filter((source) => source.enabled).map((source) => source.id);
  const { added, removed } = await syncSchedule(redis, keys, enabled, runtime.context.now().getTime());
  for (const source of config.sources.filter((entry) => !entry.enabled)) {
    await updateSourceState(redis, keys, source.id, { state: 'disabled' });
  }
  if (added.length > 0 || removed.length > 0) log.info({ added, removed }, 'sources synced with the config');
}

export function startWorkers(runtime: Runtime): void {
  const { context } = runtime;
  const connection = context.redis;
  const prefix = context.config.redis.prefix;
  const onFailed = (name: string) => (job: { id?: string } | undefined, error: Error) =>
    context.log.error({ queue: name, job: job?.id, err: error.message }, 'job failed');
  const workers = [
    new Worker(QUEUE_NAMES.poll, createPollProcessor(context), { connection, prefix, concurrency: POLL_CONCURRENCY }),
    new Worker(QUEUE_NAMES.publish, createPublishProcessor(context), { connection, prefix, concurrency: 1 }),
    new Worker(QUEUE_NAMES.scheduler, createTickProcessor(context), { connection, prefix, concurrency: 1 }),
  ];
  for (const worker of workers) {
    worker.on('failed', onFailed(worker.name));
    worker.on('error', (error) => context.log.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
  runtime.workers.push(...workers);
}

/** One job scheduler for the whole deployment: upserting it again from another process is a no-op. */
export async function startScheduler(runtime: Runtime): Promise<void> {
  const { context } = runtime;
  await context.queues.scheduler.upsertJobScheduler(TICK_SCHEDULER_ID, { every: context.config.schedule.tick }, {
    name: 'tick',
    data: {},
    opts: { removeOnComplete: true, removeOnFail: 50 },
  });
}
