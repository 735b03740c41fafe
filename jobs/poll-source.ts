/**
 * The poll job. A job is a batch of sources (issue 17): each is polled concurrently within
 * fetch.concurrency and its host's turns, and gets its own outcome, state, history, metrics and
 * log line; one failing source never fails the batch. A batch delivered again (its worker died)
 * polls only the sources whose claim is still open, so nothing is polled twice or lost. A job
 * of one `sourceId` (the form of earlier versions) is still understood.
 *
 * Per batch: one begin (states, decisions, the hosts: scripts/poll-begin-batch.lua); per source
 * a turn on its host in this process, the poll, and its end (stored with the ends of the polls
 * that end with it, FinishQueue); a publish request when articles changed (once per batch).
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import { FeedaggError } from '../src/errors.js';
import { emptyOutcome } from '../src/schedule/poll-decision.js';
import { outcomeRecord, type PollOutcome } from '../src/model/source-state.js';
import { MetricsTally } from '../src/observe/metrics.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { skippedOutcome, skipReason } from '../src/schedule/poll-decision.js';
import { HOST_LEASE_MS } from '../src/runtime/host-owners.js';
import { type PollStart } from '../src/store/poll-store.js';
import { hostOf } from '../src/store/source-state-store.js';
import { isRedisUnavailable, redisUnavailable } from '../src/redis/errors.js';
import { attemptPoll } from './attempt-poll.js';
import { recordPoll } from './record-poll.js';

type PollJob = Pick<Job<PollJobData>, 'data'> & Partial<Pick<Job<PollJobData>, 'moveToDelayed' | 'updateData' | 'attemptsStarted'>>;

/** A poll does not fetch while more than this many bytes of fetched documents wait to be read in this process. */
const QUEUED_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** A source whose host another process polls is tried again this much later (or when that process's lease ends). */
const BUSY_RETRY_MS = 1_000;

/** How one source's poll ended; `interrupted`: the shutdown came mid-fetch (nothing recorded). */
interface SourcePoll {
  outcome: PollOutcome;
  interrupted: boolean;
  changed: boolean;
}

function logOutcome(context: AppContext, outcome: PollOutcome): void {
  const fields = { source: outcome.sourceId, ok: outcome.ok, status: outcome.status, created: outcome.created, merged: outcome.merged, updated: outcome.updated, entries: outcome.entries, ms: outcome.durationMs, waitMs: outcome.waitMs };
  if (outcome.warnings.length > 0) context.log.warn({ source: outcome.sourceId, warnings: outcome.warnings }, 'document limits applied');
  if (outcome.ok) context.log.info(fields, 'polled');
  else context.log.warn({ ...fields, code: outcome.error?.code, err: outcome.error?.message }, 'poll failed');
}

/** The poll of a source whose begin said go, skip or hold: recorded, counted, logged. */
async function afterBegin(context: AppContext, source: SourceConfig, start: Exclude<PollStart, { status: 'busy' }>, waitedMs: number, definitionsVersion: number, tally: MetricsTally, requestsDone?: () => void): Promise<SourcePoll> {
  const { log } = context;
  if (start.status !== 'go') {
    const reason = skipReason(source.id, start.status, start.state, start.status === 'hold' ? start.until : null);
    log.info({ source: source.id, skipped: reason }, 'poll skipped');
    const skipped = skippedOutcome(source.id, reason);
    // A hold moves the next poll to the host's Retry-After; disabled and gone keep theirs.
    await context.finishes.finish({ id: source.id, next: start.status === 'hold' ? start.until : null, definitionsVersion, record: outcomeRecord(skipped, context.now()), history: start.history });
    tally.poll(skipped, 0);
    return { outcome: skipped, interrupted: false, changed: false };
  }
  const attempt = await attemptPoll(context, source, start.state, start.url, start.host, context.now(), requestsDone);
  attempt.outcome.waitMs += waitedMs;
  if (attempt.error?.code === 'INTERRUPTED') {
    // The process is shutting down: not the source's failure. The poll goes back unrecorded.
    log.info({ source: source.id }, 'poll interrupted by the shutdown; back to the queue');
    return { outcome: attempt.outcome, interrupted: true, changed: false };
  }
  await recordPoll(context, source, start.state, start.url, attempt, definitionsVersion, start.history);
  tally.poll(attempt.outcome, attempt.bytes);
  context.heapPacer.check();
  logOutcome(context, attempt.outcome);
  const { outcome } = attempt;
  return { outcome, interrupted: false, changed: outcome.created + outcome.merged + outcome.updated > 0 };
}

/**
 * The begin of these sources, their hosts pinned meanwhile (a host this process gives back
 * while the begin is on its way would be given back right after the begin took it). Each host
 * that says go stays pinned once per source until `unpin` of that source.
 */
async function begin(context: AppContext, sources: SourceConfig[], reschedule: boolean): Promise<PollStart[]> {
  const busyRetryMs = reschedule ? Math.max(BUSY_RETRY_MS, context.config.fetch.perHostInterval) : 0;
  const { store, hostOwners } = context;
  const configured = sources.map((source) => hostOf(source.url));
  for (const host of configured) hostOwners.pin(host);
  try {
    const starts = await store.polls.beginBatch(sources, { owner: hostOwners.owner, leaseMs: HOST_LEASE_MS, busyRetryMs });
    for (const start of starts) if (start.status === 'go') hostOwners.pin(start.host);
    return starts;
  } catch (error) {
    throw isRedisUnavailable(error) ? redisUnavailable(error, `beginning the poll${sources.length === 1 ? '' : 's'} of ${sources.map((source) => source.id).join(', ')}`) : error;
  } finally {
    for (const host of configured) hostOwners.unpin(host);
  }
}

/** Once: the poll's requests are over, its host's turn and this process's pin on the host end. */
function ending(context: AppContext, host: string, releaseTurn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    releaseTurn();
    context.hostOwners.unpin(host);
  };
}

/** One source of a batch that may go: a turn on its host and a poll slot of this process (in order, no spinning), then the poll. */
async function pollInBatch(context: AppContext, source: SourceConfig, start: Extract<PollStart, { status: 'go' }>, definitionsVersion: number, tally: MetricsTally): Promise<SourcePoll> {
  let requestsDone = ending(context, start.host, () => undefined);
  try {
    // WAIT is politeness: the time for a turn on the host; not for a slot.
    const { release: releaseTurn, waitedMs } = await context.pollSlots.turn(start.host);
    requestsDone = ending(context, start.host, releaseTurn);
    await context.parseBudget.room(QUEUED_DOCUMENT_BYTES);
    const releaseSlot = await context.pollSlots.slot();
    try {
      // The host's turn ends with the requests: reading and storing the document do not hold it.
      return await afterBegin(context, source, start, waitedMs, definitionsVersion, tally, requestsDone);
    } finally {
      releaseSlot();
    }
  } finally {
    requestsDone();
  }
}

/** A source whose host another process polls: back on the schedule at the end of that process's lease (the begin did it). */
function deferredOutcome(source: SourceConfig, start: Extract<PollStart, { status: 'busy' }>): PollOutcome {
  return { ...skippedOutcome(source.id, `host ${start.host} is polled by another process; back on the schedule for ${new Date(start.until).toISOString()}`), deferredUntil: start.until };
}

function failedOutcome(sourceId: string, error: unknown): PollOutcome {
  const typed = error instanceof FeedaggError ? error : null;
  return { ...emptyOutcome(sourceId), error: { code: typed?.code ?? 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}

/**
 * A publish runs this long after the first poll that asks for it, and the polls that end
 * meanwhile join it (one job per deduplication id): while batches keep changing articles, the
 * outputs were rebuilt back to back (every 0.7 s in the fault suite's hostile phase, each
 * build holding a window of up to output.maxBytes beside the documents being read).
 */
const PUBLISH_AFTER_MS = 1_000;

async function requestPublish(context: AppContext, reason: string): Promise<void> {
  await context.queues.publish.add('publish', { reason }, { delay: PUBLISH_AFTER_MS, deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
}

/** A batch: every source concurrently; outcomes in the order of `sourceIds`. */
async function pollBatch(context: AppContext, job: PollJob, token: string | undefined, publishes: boolean): Promise<PollOutcome[]> {
  const ids = job.data.sourceIds ?? [];
  let todo = ids;
  if ((job.attemptsStarted ?? 1) > 1) {
    // Delivered again (its worker died, or the shutdown interrupted it): the sources whose
    // poll ended meanwhile have no claim left, and are not polled twice.
    const open = await context.store.schedule.stillClaimed(ids);
    todo = ids.filter((id) => open.has(id));
  }
  await context.sources.refresh(Date.now(), ids.some((id) => !context.sources.get(id)) || (job.data.sources ?? 0) > (context.sources.currentVersion ?? 0));
  const definitionsVersion = context.sources.currentVersion ?? 0;
  const tally = new MetricsTally();
  const known = todo.flatMap((id) => context.sources.get(id) ?? []);
  const unknown = todo.filter((id) => !context.sources.get(id));
  if (unknown.length > 0) await context.store.schedule.releaseClaims(unknown);
  const starts = new Map((await begin(context, known, true)).map((start, index) => [known[index]?.id ?? '', start]));
  const polls = await Promise.all(todo.map(async (id): Promise<SourcePoll> => {
    const source = context.sources.get(id);
    const start = starts.get(id);
    if (!source || !start) {
      return { outcome: failedOutcome(id, new FeedaggError('CONFIG', `source "${id}" is not configured (not among the sources feedagg start publishes)`)), interrupted: false, changed: false };
    }
    if (start.status === 'busy') return { outcome: deferredOutcome(source, start), interrupted: false, changed: false };
    try {
      const poll = start.status === 'go' ? await pollInBatch(context, source, start, definitionsVersion, tally) : await afterBegin(context, source, start, 0, definitionsVersion, tally);
      if (!poll.interrupted) for (const listener of context.pollListeners) listener(poll.outcome);
      return poll;
    } catch (error) {
      // A Redis outage fails the batch (it is retried); anything else fails this source only.
      if (isRedisUnavailable(error) || (error instanceof FeedaggError && error.code === 'REDIS_UNAVAILABLE')) throw error;
      context.log.error({ source: id, err: error instanceof Error ? error.message : String(error) }, 'poll failed unexpectedly');
      return { outcome: failedOutcome(id, error), interrupted: false, changed: false };
    }
  }));
  await tally.flush(context.store);
  if (publishes && polls.some((poll) => poll.changed)) await requestPublish(context, `polls of ${polls.filter((poll) => poll.changed).length} sources`);
  if (polls.some((poll) => poll.interrupted)) {
    // Back to the queue: a new delivery polls the interrupted ones (their claims are open).
    if (job.moveToDelayed && token) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    throw new FeedaggError('INTERRUPTED', 'the process shut down while polls were in flight');
  }
  const byId = new Map(todo.map((id, index) => [id, polls[index]?.outcome]));
  return ids.map((id) => byId.get(id) ?? skippedOutcome(id, 'already polled (the batch was delivered again)'));
}

/** How long a job of one source waits in the queue when its host is busy in this process. */
const SINGLE_RETRY_MS = 250;

/**
 * A job of one source (earlier versions' form, and tests): a busy host (another process owns
 * it, or this process's turns on it are taken) sends the job back to the queue, delayed, so it
 * never holds a worker slot while it waits.
 */
async function pollSingle(context: AppContext, job: PollJob, token: string | undefined, publishes: boolean): Promise<PollOutcome> {
  const sourceId = job.data.sourceId ?? '';
  const source = await context.sources.lookup(sourceId, job.data.sources ?? null);
  const definitionsVersion = context.sources.currentVersion ?? 0;
  if (!source) throw new UnrecoverableError(`source "${sourceId}" is not configured (not among the sources feedagg start publishes)`);
  let start: PollStart | undefined;
  // The politeness wait: from the first time the host was busy until the poll goes, across trips to the queue.
  let waitingSince = job.data.waitingSince ?? null;
  for (;;) {
    [start] = await begin(context, [source], false);
    if (!start) throw new FeedaggError('INTERNAL', `no begin for ${source.id}`);
    const busyUntil = start.status === 'busy' ? Math.min(start.until, Date.now() + 1_000) : start.status === 'go' && context.pollSlots.wouldWait(start.host) ? Date.now() + SINGLE_RETRY_MS : null;
    if (busyUntil === null) break;
    if (start.status === 'go') context.hostOwners.unpin(start.host);
    waitingSince ??= Date.now();
    if (job.moveToDelayed && token) {
      if (job.data.waitingSince === undefined && job.updateData) await job.updateData({ ...job.data, waitingSince });
      await job.moveToDelayed(busyUntil, token);
      throw new DelayedError();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, busyUntil - Date.now())));
  }
  const tally = new MetricsTally();
  const waitedMs = waitingSince === null ? 0 : Math.max(0, Date.now() - waitingSince);
  const poll = start.status === 'go' ? await pollInBatch(context, source, start, definitionsVersion, tally) : await afterBegin(context, source, start as Exclude<PollStart, { status: 'busy' | 'go' }>, 0, definitionsVersion, tally);
  poll.outcome.waitMs += waitedMs;
  await tally.flush(context.store);
  if (poll.interrupted) {
    if (job.moveToDelayed && token) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    throw new FeedaggError('INTERRUPTED', `${source.id}: the process shut down while the poll was in flight`);
  }
  if (publishes && poll.changed) await requestPublish(context, `poll ${source.id}`);
  return poll.outcome;
}

export interface PollProcessorOptions {
  /** Queue a publish when articles changed (not for run --once, which publishes once at its end). */
  requestPublish?: boolean;
}

export function createPollProcessor(context: AppContext, options: PollProcessorOptions = {}) {
  const publishes = options.requestPublish ?? true;
  return async function pollSource(job: PollJob, token?: string): Promise<PollOutcome | PollOutcome[]> {
    return job.data.sourceIds ? pollBatch(context, job, token, publishes) : pollSingle(context, job, token, publishes);
  };
}
