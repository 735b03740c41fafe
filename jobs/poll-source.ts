/**
 * The poll job. A job is a batch of sources (issue 17): each is polled concurrently within
 * fetch.concurrency and its host's turns, and gets its own outcome, state, history, metrics and
 * log line; one failing source never fails the batch. A batch delivered again (its worker died)
 * polls only the sources whose claim is still open, so nothing is polled twice or lost. A job
 * of one `sourceId` (the form of earlier versions) is still understood.
 *
 * Per source: begin (state, decision, host slot: one script), poll, record (one script), and a
 * publish request when articles changed (once per batch).
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { SourceConfig } from '../config/schema.js';
import { FeedaggError } from '../src/errors.js';
import { emptyOutcome } from '../src/schedule/poll-decision.js';
import { outcomeRecord, type PollOutcome } from '../src/model/source-state.js';
import { MetricsTally } from '../src/observe/metrics.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { skippedOutcome, skipReason } from '../src/schedule/poll-decision.js';
import { beginPoll, type PollStart } from '../src/store/poll-store.js';
import { isRedisUnavailable, redisUnavailable } from '../src/store/redis-errors.js';
import { releaseClaims, setNextPoll, stillClaimed } from '../src/store/schedule-store.js';
import { hostOf, recordOutcome } from '../src/store/source-state-store.js';
import { attemptPoll, slotLimits } from './attempt-poll.js';
import { recordPoll } from './record-poll.js';

type PollJob = Pick<Job<PollJobData>, 'data'> & Partial<Pick<Job<PollJobData>, 'moveToDelayed' | 'updateData' | 'attemptsStarted'>>;

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
async function afterBegin(context: AppContext, source: SourceConfig, start: Exclude<PollStart, { status: 'wait' }>, slotToken: string, waitedMs: number, definitionsVersion: number, tally: MetricsTally, requestsDone?: () => void): Promise<SourcePoll> {
  const { redis, keys, log } = context;
  if (start.status !== 'go') {
    const reason = skipReason(source.id, start.status, start.state, start.status === 'hold' ? start.until : null);
    if (start.status === 'hold') await setNextPoll(redis, keys, source.id, start.until);
    else await releaseClaims(redis, keys, [source.id]);
    log.info({ source: source.id, skipped: reason }, 'poll skipped');
    const skipped = skippedOutcome(source.id, reason);
    await recordOutcome(redis, keys, source.id, outcomeRecord(skipped, context.now()));
    tally.poll(skipped, 0);
    return { outcome: skipped, interrupted: false, changed: false };
  }
  const attempt = await attemptPoll(context, source, start.state, start.url, start.host, slotToken, context.now(), requestsDone);
  attempt.outcome.waitMs += waitedMs;
  if (attempt.error?.code === 'INTERRUPTED') {
    // The process is shutting down: not the source's failure. The poll goes back unrecorded.
    log.info({ source: source.id }, 'poll interrupted by the shutdown; back to the queue');
    return { outcome: attempt.outcome, interrupted: true, changed: false };
  }
  await recordPoll(context, source, start.state, start.url, attempt, definitionsVersion);
  tally.poll(attempt.outcome, attempt.bytes);
  context.heapPacer.check();
  logOutcome(context, attempt.outcome);
  const { outcome } = attempt;
  return { outcome, interrupted: false, changed: outcome.created + outcome.merged + outcome.updated > 0 };
}

function begin(context: AppContext, source: SourceConfig, slotToken: string): Promise<PollStart> {
  return beginPoll(context.redis, context.keys, source, slotLimits(context), slotToken).catch((error: unknown) => {
    throw isRedisUnavailable(error) ? redisUnavailable(error, `beginning the poll of ${source.id}`) : error;
  });
}

/**
 * One source of a batch: a turn on its host and a poll slot of this process first (in order,
 * no spinning), then the one begin call; if another process holds the host, wait the time
 * Redis names and ask again, without holding a slot meanwhile.
 */
async function pollInBatch(context: AppContext, source: SourceConfig, definitionsVersion: number, tally: MetricsTally): Promise<SourcePoll> {
  const slotToken = randomUUID();
  const host = hostOf(source.url);
  // WAIT is politeness: the time for a turn on the host, here and in Redis; not for a slot.
  let waitedMs = 0;
  for (;;) {
    const { release: releaseTurn, waitedMs: turnWait } = await context.pollSlots.turn(host);
    waitedMs += turnWait;
    const releaseSlot = await context.pollSlots.slot();
    try {
      const start = await begin(context, source, slotToken);
      if (start.status === 'wait') {
        releaseSlot();
        releaseTurn();
        await new Promise((resolve) => setTimeout(resolve, start.waitMs));
        waitedMs += start.waitMs;
        continue;
      }
      // The host's turn ends with the requests: reading and storing the document do not hold it.
      return await afterBegin(context, source, start, slotToken, waitedMs, definitionsVersion, tally, releaseTurn);
    } finally {
      releaseSlot();
      releaseTurn();
    }
  }
}

function failedOutcome(sourceId: string, error: unknown): PollOutcome {
  const typed = error instanceof FeedaggError ? error : null;
  return { ...emptyOutcome(sourceId), error: { code: typed?.code ?? 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}

async function requestPublish(context: AppContext, reason: string): Promise<void> {
  await context.queues.publish.add('publish', { reason }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
}

/** A batch: every source concurrently; outcomes in the order of `sourceIds`. */
async function pollBatch(context: AppContext, job: PollJob, token: string | undefined): Promise<PollOutcome[]> {
  const ids = job.data.sourceIds ?? [];
  let todo = ids;
  if ((job.attemptsStarted ?? 1) > 1) {
    // Delivered again (its worker died, or the shutdown interrupted it): the sources whose
    // poll ended meanwhile have no claim left, and are not polled twice.
    const open = await stillClaimed(context.redis, context.keys, ids);
    todo = ids.filter((id) => open.has(id));
  }
  await context.sources.refresh(Date.now(), ids.some((id) => !context.sources.get(id)) || (job.data.sources ?? 0) > (context.sources.currentVersion ?? 0));
  const definitionsVersion = context.sources.currentVersion ?? 0;
  const tally = new MetricsTally();
  const polls = await Promise.all(todo.map(async (id): Promise<SourcePoll> => {
    const source = context.sources.get(id);
    if (!source) {
      await releaseClaims(context.redis, context.keys, [id]);
      return { outcome: failedOutcome(id, new FeedaggError('CONFIG', `source "${id}" is not configured (not among the sources feedagg start publishes)`)), interrupted: false, changed: false };
    }
    try {
      const poll = await pollInBatch(context, source, definitionsVersion, tally);
      if (!poll.interrupted) for (const listener of context.pollListeners) listener(poll.outcome);
      return poll;
    } catch (error) {
      // A Redis outage fails the batch (it is retried); anything else fails this source only.
      if (isRedisUnavailable(error) || (error instanceof FeedaggError && error.code === 'REDIS_UNAVAILABLE')) throw error;
      context.log.error({ source: id, err: error instanceof Error ? error.message : String(error) }, 'poll failed unexpectedly');
      return { outcome: failedOutcome(id, error), interrupted: false, changed: false };
    }
  }));
  await tally.flush(context.redis, context.keys);
  if (polls.some((poll) => poll.changed)) await requestPublish(context, `polls of ${polls.filter((poll) => poll.changed).length} sources`);
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

/** A job of one source (earlier versions' form, and tests): the host wait goes back to the queue. */
async function pollSingle(context: AppContext, job: PollJob, token: string | undefined): Promise<PollOutcome> {
  const sourceId = job.data.sourceId ?? '';
  const source = await context.sources.lookup(sourceId, job.data.sources ?? null);
  const definitionsVersion = context.sources.currentVersion ?? 0;
  if (!source) throw new UnrecoverableError(`source "${sourceId}" is not configured (not among the sources feedagg start publishes)`);
  const slotToken = randomUUID();
  let start = await begin(context, source, slotToken);
  // The politeness wait: from the first time the host was busy until the poll goes, across
  // trips to the queue.
  const waitingSince = job.data.waitingSince ?? (start.status === 'wait' ? Date.now() : null);
  while (start.status === 'wait') {
    if (job.moveToDelayed && token) {
      if (job.data.waitingSince === undefined && job.updateData) await job.updateData({ ...job.data, waitingSince: waitingSince ?? Date.now() });
      await job.moveToDelayed(Date.now() + start.waitMs, token);
      throw new DelayedError();
    }
    await new Promise((resolve) => setTimeout(resolve, start.status === 'wait' ? start.waitMs : 0));
    start = await begin(context, source, slotToken);
  }
  const tally = new MetricsTally();
  const poll = await afterBegin(context, source, start, slotToken, waitingSince === null ? 0 : Math.max(0, Date.now() - waitingSince), definitionsVersion, tally);
  await tally.flush(context.redis, context.keys);
  if (poll.interrupted) {
    if (job.moveToDelayed && token) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    throw new FeedaggError('INTERRUPTED', `${source.id}: the process shut down while the poll was in flight`);
  }
  if (poll.changed) await requestPublish(context, `poll ${source.id}`);
  return poll.outcome;
}

export function createPollProcessor(context: AppContext) {
  return async function pollSource(job: PollJob, token?: string): Promise<PollOutcome | PollOutcome[]> {
    return job.data.sourceIds ? pollBatch(context, job, token) : pollSingle(context, job, token);
  };
}
