/** The poll job: load state, decide, poll, persist, request a publish. */
import { UnrecoverableError, type Job } from 'bullmq';
import type { PollOutcome } from '../src/model/source-state.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { decidePoll, skippedOutcome } from '../src/schedule/poll-decision.js';
import { pollUrl } from '../src/schedule/source-transition.js';
import { hostHold } from '../src/store/host-store.js';
import { setNextPoll } from '../src/store/schedule-store.js';
import { readSourceState } from '../src/store/source-state-store.js';
import { attemptPoll, POLL_STAGES, type PollStages } from './attempt-poll.js';
import { recordPoll } from './record-poll.js';

export function createPollProcessor(context: AppContext, stages: PollStages = POLL_STAGES) {
  return async function pollSource(job: Pick<Job<PollJobData>, 'data'>): Promise<PollOutcome> {
    const { redis, keys, log } = context;
    const source = context.sources.get(job.data.sourceId);
    if (!source) throw new UnrecoverableError(`source "${job.data.sourceId}" is not in this worker's config`);
    const now = context.now();
    const state = await readSourceState(redis, keys, source.id);
    const url = pollUrl(source.url, state);
    const decision = decidePoll({ sourceId: source.id, enabled: source.enabled, state, url, hostHoldUntil: await hostHold(redis, keys, new URL(url).hostname, now.getTime()), now: now.getTime() });
    if (!decision.poll) {
      if (decision.until !== null) await setNextPoll(redis, keys, source.id, decision.until);
      log.info({ source: source.id, skipped: decision.reason }, 'poll skipped');
      return skippedOutcome(source.id, decision.reason);
    }
    const attempt = await attemptPoll(context, source, state, decision.url, now, stages);
    await recordPoll(context, source, state, decision.url, attempt);
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
