/** The poll job: load state, poll (unless the source must be skipped), persist, request a publish. */
import { UnrecoverableError, type Job } from 'bullmq';
import type { PollOutcome } from '../src/model/source-state.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { hostsRetryAfter } from '../src/store/host-store.js';
import { setNextPoll } from '../src/store/schedule-store.js';
import { readSourceState } from '../src/store/source-state-store.js';
import { attemptPoll } from './attempt-poll.js';
import { currentPollUrl, emptyOutcome, hostOf, skipReason } from './poll-plan.js';
import { recordPoll } from './record-poll.js';

export function createPollProcessor(context: AppContext) {
  return async function pollSource(job: Job<PollJobData>): Promise<PollOutcome> {
    const { redis, keys, log } = context;
    const source = context.sources.get(job.data.sourceId);
    if (!source) throw new UnrecoverableError(`source "${job.data.sourceId}" is not in this worker's config`);
    const now = context.now();
    const state = await readSourceState(redis, keys, source.id);
    const url = currentPollUrl(source, state);
    const retryAfter = (await hostsRetryAfter(redis, keys, [hostOf(url)], now.getTime())).get(hostOf(url));
    const skipped = skipReason(state, retryAfter, now);
    if (skipped) {
      if (retryAfter !== undefined && state.state !== 'gone') await setNextPoll(redis, keys, source.id, retryAfter);
      log.info({ source: source.id, skipped }, 'poll skipped');
      return { ...emptyOutcome(source.id), ok: true, skipped };
    }
    const attempt = await attemptPoll(context, source, state, url, now);
    await recordPoll(context, source, state, url, attempt);
    const { outcome } = attempt;
    if (outcome.created + outcome.merged + outcome.updated > 0) {
      await context.queues.publish.add('publish', { reason: `poll ${source.id}` }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
    }
    const fields = { source: source.id, ok: outcome.ok, status: outcome.status, created: outcome.created, merged: outcome.merged, updated: outcome.updated, entries: outcome.entries, ms: outcome.durationMs };
    if (outcome.ok) log.info(fields, 'polled');
    else log.warn({ ...fields, code: outcome.error?.code, err: outcome.error?.message }, 'poll failed');
    return outcome;
  };
}
