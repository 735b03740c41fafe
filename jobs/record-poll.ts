/** Persist what a poll learned: the source's standing, its state, its next poll time. */
import type { SourceConfig } from '../config/schema.js';
import { observedCadence } from '../src/schedule/cadence.js';
import { freshnessFromHeaders, syndicationPeriod, ttlPeriod } from '../src/schedule/freshness.js';
import { nextPollAt } from '../src/schedule/next-poll.js';
import { nextStanding, type Standing } from '../src/schedule/source-transition.js';
import type { AppContext } from '../src/runtime/context.js';
import { setHostRetryAfter } from '../src/store/host-store.js';
import { parkSource, setNextPoll } from '../src/store/schedule-store.js';
import { writeSourceState, type StoredSourceState } from '../src/store/source-state-store.js';
import type { PollAttempt } from './attempt-poll.js';
import { hostOf } from './poll-plan.js';

function standingOf(state: StoredSourceState, pollUrl: string): Standing {
  return {
    state: state.state,
    pollUrl,
    consecutiveFailures: state.consecutiveFailures,
    firstFailureAt: state.firstFailureAt,
    redirectTarget: state.redirectTarget,
    redirectSeen: state.redirectSeen,
    redirectFirstSeenAt: state.redirectFirstSeenAt,
    redirectHistory: state.redirectHistory,
  };
}

export async function recordPoll(context: AppContext, source: SourceConfig, previous: StoredSourceState, pollUrl: string, attempt: PollAttempt): Promise<void> {
  const { config, redis, keys } = context;
  const now = context.now();
  const { outcome, fetched, feed } = attempt;
  const standing = nextStanding(standingOf(previous, pollUrl), { now, ok: outcome.ok, status: outcome.status, redirects: fetched?.redirects ?? [] }, {
    maxFailures: config.schedule.maxFailures,
    redirectPolls: config.fetch.permanentRedirects.polls,
    redirectSpan: config.fetch.permanentRedirects.span,
  });
  const retryAfter = typeof attempt.error?.details?.retryAfter === 'number' ? attempt.error.details.retryAfter : null;
  if (retryAfter !== null) await setHostRetryAfter(redis, keys, hostOf(pollUrl), retryAfter, now.getTime());
  const next = nextPollAt({
    now: now.getTime(),
    settings: config.schedule,
    interval: source.interval,
    ok: outcome.ok,
    failures: standing.consecutiveFailures,
    failing: standing.state === 'failing',
    cadence: feed ? observedCadence(feed.entries.map((entry) => entry.article.publishedAt)) : null,
    freshFor: [fetched ? freshnessFromHeaders(fetched.headers, now.getTime()) : null, feed ? ttlPeriod(feed.hints) : null, feed ? syndicationPeriod(feed.hints) : null],
    retryAfter,
    skipHours: feed?.hints.skipHours,
    skipDays: feed?.hints.skipDays,
    random: Math.random(),
  });
  const gone = standing.state === 'gone';
  await writeSourceState(redis, keys, source.id, {
    state: standing.state,
    configUrl: source.url,
    effectiveUrl: standing.pollUrl,
    lastPollAt: now.toISOString(),
    lastStatus: outcome.status,
    lastError: outcome.error,
    consecutiveFailures: standing.consecutiveFailures,
    firstFailureAt: standing.firstFailureAt,
    redirectTarget: standing.redirectTarget,
    redirectSeen: standing.redirectSeen,
    redirectFirstSeenAt: standing.redirectFirstSeenAt,
    redirectHistory: standing.redirectHistory,
    bodyHash: attempt.bodyHash,
    // Validators only from a response that was read successfully: after a parse failure the
    // next poll must fetch the whole document again, not get a 304 for the broken one.
    ...(fetched && !fetched.notModified && outcome.ok ? { etag: fetched.etag, lastModified: fetched.lastModified } : {}),
    itemsSeenDelta: outcome.created + outcome.merged,
  });
  if (gone) await parkSource(redis, keys, source.id);
  else await setNextPoll(redis, keys, source.id, next);
}
