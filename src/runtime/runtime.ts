/** Connections, queues and workers of one process, and their orderly shutdown. */
import { Queue, QueueEvents, Worker, type Processor } from 'bullmq';
import type { RedisClient as Redis } from '../redis/client.js';
import type { Logger } from 'pino';
import type { Config, SourceConfig } from '../../config/schema.js';
import { AddressPolicy } from '../fetch/address-guard.js';
import { closeHttpClients, createHttpClients } from '../fetch/http-clients.js';
import { QUEUE_NAMES, TICK_SCHEDULER_ID, type PollJobData, type PublishJobData, type TickJobData } from '../queue/names.js';
import { checkClusterPrefix, createRedis, resolveRedis, warnOnEvictionPolicy, type RedisTarget } from '../redis/connection.js';
import { BacklogWarning } from '../queue/event-backlog.js';
import { RedisHealth } from '../redis/health.js';
import { isRedisUnavailable } from '../redis/errors.js';
import { watchSharedRedis } from './shared-redis-watch.js';
import { Store } from '../store/store.js';
import { availableParallelism } from 'node:os';
import { ByteBudget } from './byte-budget.js';
import { DocumentPool } from './document-pool.js';
import { HeapPacer } from './collect-garbage.js';
import { runCloseSteps, type CloseStep } from './close-steps.js';
import { SourceDirectory } from './source-directory.js';
import { PollSlots } from './poll-slots.js';
import { HostOwners } from './host-owners.js';
import { FinishQueue } from '../store/poll-store.js';
import { deploymentDocument } from './deployment.js';
import type { AppContext, Queues } from './context.js';
import { userAgent } from './version.js';

export interface Runtime {
  context: AppContext;
  target: RedisTarget;
  health: RedisHealth;
  workers: Worker[];
  queueEvents: QueueEvents[];
  /** Extra steps run first on close (e.g. the HTTP server). */
  beforeClose: CloseStep[];
  /** Resolves with a reason when the process cannot go on (its private Redis is gone for good). */
  fatal: Promise<string>;
  /** Close in order; past the shutdown deadline, force the rest. Resolves with what failed. */
  close(): Promise<string[]>;
  /** Drop every connection now and stop the private redis-server (a second signal). */
  forceClose(): Promise<void>;
}

/**
 * Bytes of documents read and stored at once per process. Reading holds about ten times the
 * document in a thread's heap (text, tree, entries): at 1 MB, many small feeds still go in
 * parallel, and a document of 1 MB or more is read alone, so at most one thread's heap is near
 * its cap. At 4 MB (before issue 17) two large documents could fill both threads at once: a
 * process that takes one host's heavy feeds peaked at 300 MB in the fault suite.
 */
export const PARSE_BUDGET_BYTES = 1024 * 1024;

/** A graceful shutdown that takes longer (jobs stuck on an absent Redis) is forced. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/**
 * Polls still fetching this long into a shutdown are interrupted (their jobs go back to the
 * queue), so the workers close within the deadline: a 20 s poll overran it and logged an error.
 */
export const INTERRUPT_AFTER_MS = SHUTDOWN_DEADLINE_MS - 3_000;

function createQueues(redis: Redis, prefix: string): Queues {
  const options = { connection: redis, prefix };
  return {
    scheduler: new Queue(QUEUE_NAMES.scheduler, options),
    poll: new Queue(QUEUE_NAMES.poll, options),
    publish: new Queue(QUEUE_NAMES.publish, options),
    articles: new Queue(QUEUE_NAMES.articles, options),
  };
}

function delay(ms: number): Promise<'late'> {
  return new Promise((resolve) => setTimeout(() => resolve('late'), ms).unref());
}

export interface RuntimeOptions {
  /** Start a private redis-server when no Redis is configured or running (not for commands that only read state). */
  privateRedis?: boolean;
}

export async function openRuntime(config: Config, log: Logger, now: () => Date = () => new Date(), options: RuntimeOptions = {}): Promise<Runtime> {
  const target = await resolveRedis(config.redis.url, log, config.redis.dataDir, options.privateRedis ?? true, config.redis.port);
  if (target.cluster) checkClusterPrefix(config.redis.prefix);
  const redis = createRedis(target, 'feedagg', true);
  const bullConnection = createRedis(target, 'feedagg-queues');
  const health = new RedisHealth(log, undefined, `${config.redis.prefix}:oom-probe`);
  health.watch(redis);
  await warnOnEvictionPolicy(redis, log);
  bullConnection.on('error', (error: Error) => health.report('queues', error));
  const queues = createQueues(bullConnection, config.redis.prefix);
  for (const queue of Object.values(queues) as Queue[]) queue.on('error', (error: Error) => health.report(`queue ${queue.name}`, error));
  const store = new Store(redis, config.redis.prefix);
  const hostOwners = new HostOwners(store, log);
  const context: AppContext = {
    config,
    sources: new SourceDirectory(store, config.sources),
    store,
    bullConnection,
    queues,
    log,
    userAgent: config.fetch.userAgent ?? userAgent(),
    parseBudget: new ByteBudget(PARSE_BUDGET_BYTES),
    documents: new DocumentPool({ threads: config.fetch.parseThreads ?? availableParallelism(), maxParseTimeMs: config.fetch.maxParseTime }),
    backlogWarning: new BacklogWarning(log, config.articles.warnBacklog),
    heapPacer: new HeapPacer(),
    pollListeners: new Set(),
    pollSlots: new PollSlots(() => ({ concurrency: context.config.fetch.concurrency, perHost: context.config.fetch.perHostConcurrency, intervalMs: context.config.fetch.perHostInterval })),
    hostOwners,
    finishes: new FinishQueue(store, hostOwners.owner, () => hostOwners.takeUnpinned((host) => context.pollSlots.spacingLeft(host))),
    http: createHttpClients(new AddressPolicy(undefined, config.fetch.allowAddresses)),
    publishFailure: null,
    outputProblem: null,
    interrupt: new AbortController(),
    now,
  };
  // Its private redis-server lives as long as this process: restarted (same data, AOF) if it dies.
  target.embedded?.supervise((event) => {
    if (event.kind === 'exited') log.error({ url: target.url, code: event.code, signal: event.signal }, 'the private redis-server exited; starting it again (same data folder and AOF)');
    else if (event.kind === 'restarted') log.warn({ url: target.url, ms: event.ms }, 'the private redis-server is back');
    else log.error({ url: target.url, err: event.message }, 'the private redis-server did not start again; trying again');
  });
  let closing: Promise<string[]> | null = null;
  const forceClose = async (): Promise<void> => {
    health.stop();
    hostOwners.close();
    context.interrupt.abort();
    for (const worker of runtime.workers) void worker.close(true).catch(() => undefined);
    for (const events of runtime.queueEvents) void events.disconnect().catch(() => undefined);
    for (const queue of Object.values(queues)) void queue.disconnect().catch(() => undefined);
    void context.documents.close();
    redis.disconnect();
    bullConnection.disconnect();
    await target.embedded?.stop(2_000);
  };
  const runtime: Runtime = {
    context, target, health, workers: [], queueEvents: [], beforeClose: [],
    fatal: target.shared ? watchSharedRedis(target, health, log) : new Promise(() => undefined),
    close: () => (closing ??= (async () => {
      health.stop();
      const graceful = runCloseSteps([
        ...runtime.beforeClose,
        ...runtime.workers.map((worker) => ({ name: `worker ${worker.name}`, run: () => worker.close() })),
        ...runtime.queueEvents.map((events) => ({ name: `queue events ${events.name}`, run: () => events.close() })),
        ...Object.values(queues).map((queue) => ({ name: `queue ${queue.name}`, run: () => queue.close() })),
        { name: 'host leases', run: () => { hostOwners.close(); return context.finishes.release(); } },
        { name: 'http clients', run: () => closeHttpClients(context.http) },
        { name: 'document threads', run: () => context.documents.close() },
        { name: 'redis', run: () => redis.quit() },
        { name: 'redis (queues)', run: () => bullConnection.quit() },
        ...(target.embedded ? [{ name: 'embedded redis-server', run: () => target.embedded?.stop() ?? Promise.resolve() }] : []),
      ], log);
      const interrupt = setTimeout(() => {
        log.warn({ afterMs: INTERRUPT_AFTER_MS }, 'polls still in flight at shutdown are interrupted; their jobs go back to the queue');
        context.interrupt.abort();
      }, INTERRUPT_AFTER_MS);
      interrupt.unref();
      const result = await Promise.race([graceful, delay(SHUTDOWN_DEADLINE_MS)]).finally(() => clearTimeout(interrupt));
      if (result !== 'late') return result;
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; closing the remaining connections');
      await forceClose();
      return ['deadline'];
    })()),
    forceClose,
  };
  return runtime;
}

/**
 * Make these sources (the config's by default) those of every process, with the deployment's
 * settings (runtime/deployment.ts): their definitions go to Redis for the workers, new ones are put on the schedule (due now), removed ones leave it
 * (their articles stay), disabled ones are marked. Changed ones are due now too: the wait
 * their last poll earned (a feed's <ttl> can be hours) belongs to the old definition.
 */
export async function syncSources(runtime: Runtime, sources: SourceConfig[] = runtime.context.config.sources, settings: Record<string, unknown> = deploymentDocument(runtime.context.config)): Promise<{ added: string[]; removed: string[]; changed: string[] }> {
  const { store, log } = runtime.context;
  const changed = await runtime.context.sources.publish(sources, settings);
  const enabled = sources.filter((source) => source.enabled).map((source) => source.id);
  const now = runtime.context.now().getTime();
  const { added, removed } = await store.schedule.syncSchedule(enabled, now);
  // XX: only sources on the schedule (a disabled one stays off it).
  await store.schedule.dueNow(changed, now);
  for (const source of sources.filter((entry) => !entry.enabled)) {
    await store.sources.updateSourceState(source.id, { state: 'disabled' });
  }
  if (added.length > 0 || removed.length > 0) log.info({ added, removed }, 'sources synced with the config');
  return { added, removed, changed };
}

/**
 * The job processors a command gives its workers (jobs/processors.ts builds them): the
 * runtime runs them, it does not know them.
 */
export interface Processors {
  poll?: Processor<PollJobData>;
  publish?: Processor<PublishJobData>;
  scheduler?: Processor<TickJobData>;
}

/** Poll batches one process runs at once: its poll slots' worth of sources, plus one. */
export function batchesAtOnce(concurrency: number, batchSize: number): number {
  return Math.max(2, Math.ceil(concurrency / batchSize) + 1);
}

/** Start a worker for each queue that has a processor (run --once and refresh poll only). */
export function startWorkers(runtime: Runtime, processors: Processors): void {
  const { context } = runtime;
  const connection = context.bullConnection;
  const prefix = context.config.redis.prefix;
  const onFailed = (name: string) => (job: { id?: string } | undefined, error: Error) => {
    // A Redis outage fails jobs in bulk: the health report covers it, once.
    if (isRedisUnavailable(error)) runtime.health.report(`worker ${name}`, error);
    else context.log.error({ queue: name, job: job?.id, err: error.message }, 'job failed');
  };
  const workers: Worker[] = [
    // Batches at once: enough to keep fetch.concurrency polls busy while a batch ends with a
    // slow source, no more, so that the other processes share the batches (one worker that
    // took 16 batches of hostile documents reached 320 MB of its 300 MB limit).
    ...(processors.poll ? [new Worker(QUEUE_NAMES.poll, processors.poll, { connection, prefix, concurrency: batchesAtOnce(context.config.fetch.concurrency, context.config.schedule.batchSize) })] : []),
    // A publish is short and its lock is renewed while its worker lives: one whose worker died
    // (kill -9) is taken up again within about 20 s, not BullMQ's default of up to a minute.
    ...(processors.publish ? [new Worker(QUEUE_NAMES.publish, processors.publish, { connection, prefix, concurrency: 1, lockDuration: 15_000, stalledInterval: 5_000 })] : []),
    ...(processors.scheduler ? [new Worker(QUEUE_NAMES.scheduler, processors.scheduler, { connection, prefix, concurrency: 1 })] : []),
  ];
  for (const worker of workers) {
    worker.on('failed', onFailed(worker.name));
    worker.on('error', (error) => runtime.health.report(`worker ${worker.name}`, error));
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
