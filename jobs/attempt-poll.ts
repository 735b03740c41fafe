/**
 * One poll attempt: fetch, read (unless unchanged), accept entries, hand events downstream.
 * Every outcome is typed: feed and network failures by the fetcher, anything unforeseen as
 * INTERNAL. Only a Redis failure escapes, as REDIS_UNAVAILABLE: it is not the source's fault,
 * and the job is retried.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.js';
import { asFeedaggError, type FeedaggError } from '../src/errors.js';
import { fetchFeed, type FetchOptions, type FetchResult } from '../src/fetch/fetch-feed.js';
import type { PollOutcome, SourceState } from '../src/model/source-state.js';
import { readFeed, type ReadFeedResult } from '../src/pipeline/read-feed.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { collectGarbage } from '../src/runtime/collect-garbage.js';
import type { AppContext } from '../src/runtime/context.js';
import { emptyOutcome } from '../src/schedule/poll-decision.js';
import { acceptEntries } from '../src/store/article-store.js';
import { acquireHostSlot } from '../src/store/host-store.js';
import { isRedisUnavailable, redisUnavailable } from '../src/store/redis-errors.js';

export interface PollAttempt {
  outcome: PollOutcome;
  fetched: FetchResult | null;
  feed: ReadFeedResult | null;
  bodyHash: string | null;
  error: FeedaggError | null;
}

/** The pure stage a poll runs on fetched bytes; replaceable so tests can make it fail. */
export interface PollStages {
  read: typeof readFeed;
}

export const POLL_STAGES: PollStages = { read: readFeed };

/** Documents from this size on are followed by a garbage collection (see collectGarbage). */
const LARGE_DOCUMENT_BYTES = 1024 * 1024;

function fetchOptions(context: AppContext, source: SourceConfig, state: SourceState, outcome: PollOutcome): FetchOptions {
  const { fetch, schedule } = context.config;
  const open = source.allowPrivateNetworks || fetch.allowPrivateNetworks;
  return {
    timeoutMs: fetch.timeout,
    maxBodySize: fetch.maxBodySize,
    maxRetryAfterMs: schedule.maxRetryAfter,
    userAgent: context.userAgent,
    headers: source.headers,
    etag: state.etag,
    lastModified: state.lastModified,
    dispatcher: open ? context.http.open : context.http.guarded,
    guard: open ? null : context.http.guard,
    beforeRequest: async (url: URL) => {
      const started = Date.now();
      try {
        return await acquireHostSlot(context.redis, context.keys, url.hostname, {
          concurrency: fetch.perHostConcurrency,
          intervalMs: fetch.perHostInterval,
          leaseMs: fetch.timeout + 5_000,
        });
      } catch (error) {
        // Typed here, or the fetcher would take a Redis failure for the feed host's (CONNECTION).
        throw isRedisUnavailable(error) ? redisUnavailable(error, `taking a slot for ${url.hostname}`) : asFeedaggError(error);
      } finally {
        outcome.waitMs += Date.now() - started;
      }
    },
  };
}

async function readAndStore(context: AppContext, source: SourceConfig, fetched: FetchResult, attempt: PollAttempt, stages: PollStages, now: Date): Promise<void> {
  const { outcome } = attempt;
  const feed = await context.parseBudget.run(fetched.body.length, async () => {
    try {
      return await stages.read({ sourceId: source.id, body: fetched.body, contentType: fetched.contentType, documentUrl: fetched.url, now, limits: context.config.fetch });
    } finally {
      // Parsing a large document leaves many times its size in garbage: collect it now.
      if (fetched.body.length >= LARGE_DOCUMENT_BYTES) collectGarbage();
    }
  });
  attempt.feed = feed;
  outcome.warnings = feed.warnings;
  const { retention, window } = context.config.dedupe;
  // An entry listed twice in one document is stored once (its listings would take turns).
  const entries = feed.entries.filter((entry) => !entry.repeat);
  const results = await acceptEntries(context.redis, context.keys, source.id, entries, { retentionMs: retention, windowMs: window }, now);
  outcome.entries = entries.length;
  outcome.created = results.filter((result) => result.decision === 'created').length;
  outcome.merged = results.filter((result) => result.decision === 'merged').length;
  outcome.updated = results.filter((result) => result.decision === 'updated').length;
  const events = results.map((result) => result.event).filter((event) => event !== '');
  await deliverEvents(context.redis, context.keys, context.queues.articles, events, context.config.articles, now);
}

export async function attemptPoll(context: AppContext, source: SourceConfig, state: SourceState, url: string, now: Date, stages: PollStages = POLL_STAGES): Promise<PollAttempt> {
  const outcome = emptyOutcome(source.id);
  const attempt: PollAttempt = { outcome, fetched: null, feed: null, bodyHash: null, error: null };
  const started = Date.now();
  try {
    const fetched = await fetchFeed(url, fetchOptions(context, source, state, outcome));
    attempt.fetched = fetched;
    outcome.status = fetched.status;
    attempt.bodyHash = fetched.notModified ? state.bodyHash : createHash('sha256').update(fetched.body).digest('hex');
    // Same bytes as last time: nothing to parse (servers without validators send these daily).
    outcome.notModified = fetched.notModified || attempt.bodyHash === state.bodyHash;
    if (!outcome.notModified) await readAndStore(context, source, fetched, attempt, stages, now);
    outcome.ok = true;
  } catch (error) {
    if (isRedisUnavailable(error)) throw redisUnavailable(error, `polling ${source.id}`);
    const typed = asFeedaggError(error);
    attempt.error = typed;
    attempt.bodyHash = state.bodyHash;
    outcome.ok = false;
    outcome.error = { code: typed.code, message: typed.message };
    outcome.status = typed.status ?? outcome.status;
  }
  outcome.durationMs = Math.max(0, Date.now() - started - outcome.waitMs);
  return attempt;
}
