/** Persist what a poll learned: the source's state and next poll time (one script), a host's Retry-After. */
import type { SourceConfig } from '../config/schema.js';
import { outcomeRecord, type SourceState } from '../src/model/source-state.js';
import type { AppContext } from '../src/runtime/context.js';
import { observedCadence } from '../src/schedule/cadence.js';
import { freshnessFromHeaders, syndicationPeriod, ttlPeriod } from '../src/schedule/freshness.js';
import { nextPollAt } from '../src/schedule/next-poll.js';
import { nextSourceState } from '../src/schedule/source-transition.js';
import type { PollAttempt } from './attempt-poll.js';

/** `definitionsVersion`: the version of the source definitions this poll used (SourceDirectory); `history`: the source's outcome history as its begin read it. */
export async function recordPoll(context: AppContext, source: SourceConfig, previous: SourceState, pollUrl: string, attempt: PollAttempt, definitionsVersion: number, history: string | null): Promise<SourceState> {
  const { config, store } = context;
  const now = context.now();
  const { outcome, fetched, document } = attempt;
  const state = nextSourceState(previous, {
    now,
    pollUrl,
    configUrl: source.url,
    ok: outcome.ok,
    status: outcome.status,
    error: outcome.error,
    redirects: fetched?.redirects ?? [],
    // Validators only from a response that was read successfully: after a parse failure the
    // next poll must fetch the whole document again, not get a 304 for the broken one.
    validators: fetched && !fetched.notModified && outcome.ok ? { etag: fetched.etag, lastModified: fetched.lastModified } : null,
    bodyHash: attempt.bodyHash,
    itemsAdded: outcome.created + outcome.merged,
  }, {
    maxFailures: config.schedule.maxFailures,
    redirectPolls: config.fetch.permanentRedirects.polls,
    redirectSpan: config.fetch.permanentRedirects.span,
  });
  const retryAfter = attempt.error?.retryAfter ?? null;
  if (retryAfter !== null) await store.hosts.holdHost(new URL(pollUrl).hostname, retryAfter);
  const hints = document?.hints;
  const next = state.state === 'gone' ? '+inf' : nextPollAt({
    now: now.getTime(),
    settings: config.schedule,
    interval: source.interval,
    ok: outcome.ok,
    failures: state.consecutiveFailures,
    failing: state.state === 'failing',
    cadence: document ? observedCadence(attempt.dates) : null,
    freshFor: [fetched ? freshnessFromHeaders(fetched.headers, now.getTime()) : null, hints ? ttlPeriod(hints) : null, hints ? syndicationPeriod(hints) : null],
    retryAfter,
    skipHours: hints?.skipHours,
    skipDays: hints?.skipDays,
    random: Math.random(),
  });
  await context.finishes.finish({ id: source.id, next, definitionsVersion, record: outcomeRecord(outcome, now), history, previous, state });
  return state;
}
