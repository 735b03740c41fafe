/** The poll job: begin (state, decision, host slot), poll, record, request a publish. */
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { outcomeRecord, withOutcome, type PollOutcome } from '../src/model/source-state.js';
import { updateSourceState } from '../src/store/source-state-store.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { skippedOutcome, skipReason } from '../src/schedule/poll-decision.js';
import { beginPoll } from '../src/store/poll-store.js';
import { isRedisUnavailable, redisUnavailable } from '../src/store/redis-errors.js';
import { releaseClaims, setNextPoll } from '../src/store/schedule-store.js';
import { attemptPoll, slotLimits } from './attempt-poll.js';
import { recordPoll } from './record-poll.js';
import { countPoll } from '../src/observe/metrics.js';

type PollJob = Pick<Job<PollJobData>, 'data'> & Partial<Pick<Job<PollJobData>, 'moveToDelayed' | 'updateData'>>;

export function createPollProcessor(context: AppContext) {
  return async function pollSource(job: PollJob, token?: string): Promise<PollOutcome> {
    const { redis, keys, log } = context;
    const source = await context.sources.lookup(job.data.sourceId, job.data.sources ?? null);
    const definitionsVersion = context.sources.currentVersion ?? 0;
    if (!source) throw new UnrecoverableError(`source "${job.data.sourceId}" is not configured (not among the sources feedagg start publishes)`);
    const slotToken = randomUUID();
    const begin = () => beginPoll(redis, keys, source, slotLimits(context), slotToken).catch((error: unknown) => {
      throw isRedisUnavailable(error) ? redisUnavailable(error, `beginning the poll of ${source.id}`) : error;
    });
    let start = await begin();
    // The politeness wait (issue 16: WAIT showed "-" while 14 polls of one host took 14 s):
    // from the first time the host was busy until the poll goes, across trips to the queue.
    const waitingSince = job.data.waitingSince ?? (start.status === 'wait' ? Date.now() : null);
    while (start.status === 'wait') {
      // The host is busy: give the worker slot back and come back when the host may be free,
      // rather than hold a slot waiting (one busy host would starve the others).
      if (job.moveToDelayed && token) {
        if (job.data.waitingSince === undefined && job.updateData) await job.updateData({ ...job.data, waitingSince: waitingSince ?? Date.now() });
        await job.moveToDelayed(Date.now() + start.waitMs, token);
        throw new DelayedError();
      }
      await new Promise((resolve) => setTimeout(resolve, start.status === 'wait' ? start.waitMs : 0));
      start = await begin();
    }
    const waitedMs = waitingSince === null ? 0 : Math.max(0, Date.now() - waitingSince);
    if (start.status !== 'go') {
      const reason = skipReason(source.id, start.status, start.state, start.status === 'hold' ? start.until : null);
      if (start.status === 'hold') await setNextPoll(redis, keys, source.id, start.until);
      else await releaseClaims(redis, keys, [source.id]);
      log.info({ source: source.id, skipped: reason }, 'poll skipped');
      const skipped = skippedOutcome(source.id, reason);
      await updateSourceState(redis, keys, source.id, { recentOutcomes: withOutcome(start.state.recentOutcomes, outcomeRecord(skipped, context.now())) });
      await countPoll(redis, keys, skipped, 0);
      return skipped;
    }
    const now = context.now();
    const attempt = await attemptPoll(context, source, start.state, start.url, start.host, slotToken, now);
    attempt.outcome.waitMs += waitedMs;
    if (attempt.error?.code === 'INTERRUPTED') {
      // The process is shutting down: not the source's failure. The poll goes back to the
      // queue unrecorded, for this or another process to run again.
      log.info({ source: source.id }, 'poll interrupted by the shutdown; back to the queue');
      if (job.moveToDelayed && token) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      throw attempt.error;
    }
    await recordPoll(context, source, start.state, start.url, attempt, definitionsVersion);
    await countPoll(redis, keys, attempt.outcome, attempt.bytes);
    context.heapPacer.check();
    const { outcome } = attempt;
    if (outcome.created + outcome.merged + outcome.updated > 0) {
      await context.queues.publish.add('publish', { reason: `poll ${source.id}` }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
    }
    const fields = { source: source.id, ok: outcome.ok, status: outcome.status, created: outcome.created, merged: outcome.merged, updated: outcome.updated, entries: outcome.entries, ms: outcome.durationMs, waitMs: outcome.waitMs };
    if (outcome.warnings.length > 0) log.warn({ source: source.id, warnings: outcome.warnings }, 'document limits applied');
    if (outcome.ok) log.info(fields, 'polled');
    else log.warn({ ...fields, code: outcome.error?.code, err: outcome.error?.message }, 'poll failed');
    return outcome;
  };
}
