/** Persist what a poll learned: the source's state and its next poll time. */
import type { SourceConfig } from '../config/schema.js';
import type { FetchResult } from '../src/fetch/fetch-feed.js';
import type { PollOutcome } from '../src/model/source-state.js';
import type { AppContext } from '../src/runtime/context.js';
import { nextPollAt } from '../src/schedule/next-poll.js';
import { setNextPoll } from '../src/store/schedule-store.js';
import { writeSourceState, type StoredSourceState } from '../src/store/source-state-store.js';

export async function recordPoll(context: AppContext, source: SourceConfig, previous: StoredSourceState, outcome: PollOutcome, fetched: FetchResult | null): Promise<void> {
  const now = context.now();
  const failures = outcome.ok ? 0 : previous.consecutiveFailures + 1;
  const next = nextPollAt({ now: now.getTime(), interval: source.interval, ok: outcome.ok, failures, settings: context.config.schedule, random: Math.random() });
  const failing = failures >= context.config.schedule.maxFailures;
  await writeSourceState(context.redis, context.keys, source.id, {
    state: failing ? 'failing' : 'active',
    effectiveUrl: fetched?.url ?? previous.effectiveUrl ?? source.url,
    lastPollAt: now.toISOString(),
    lastStatus: outcome.status,
    lastError: outcome.error,
    nextPollAt: new Date(next).toISOString(),
    consecutiveFailures: failures,
    ...(fetched && !fetched.notModified ? { etag: fetched.etag, lastModified: fetched.lastModified } : {}),
    itemsSeenDelta: outcome.created + outcome.merged,
  });
  await setNextPoll(context.redis, context.keys, source.id, next);
}
