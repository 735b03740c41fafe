/**
 * One poll attempt, its host slot already taken: fetch; unless unchanged, open the document,
 * find the entries that are new or changed (raw fingerprint against the source's listing),
 * prepare only those, accept them in one script call, hand their events over. Every outcome
 * is typed: feed and network failures by the fetcher, anything unforeseen as INTERNAL. Only a
 * Redis failure escapes, as REDIS_UNAVAILABLE: it is not the source's fault, and the job is
 * retried.
 */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.js';
import { asFeedaggError, type FeedaggError } from '../src/errors.js';
import { fetchFeed, type FetchOptions, type FetchResult } from '../src/fetch/fetch-feed.js';
import type { PollOutcome, SourceState } from '../src/model/source-state.js';
import { entryRank } from '../src/normalize/document-limits.js';
import { feedWarnings } from '../src/normalize/normalize-feed.js';
import { openDocument, prepareEntries, type OpenedDocument } from '../src/pipeline/read-feed.js';
import { acceptedEvents, addEvents } from '../src/queue/article-events.js';
import { collectGarbage } from '../src/runtime/collect-garbage.js';
import type { AppContext } from '../src/runtime/context.js';
import { emptyOutcome } from '../src/schedule/poll-decision.js';
import { acceptEntries, entryKeyHash, readListing } from '../src/store/article-store.js';
import { acquireHostSlot } from '../src/store/host-store.js';
import { releaseSlot, type SlotLimits } from '../src/store/poll-store.js';
import { isRedisUnavailable, redisUnavailable } from '../src/store/redis-errors.js';

export interface PollAttempt {
  outcome: PollOutcome;
  fetched: FetchResult | null;
  document: OpenedDocument | null;
  /** Publish dates of the document's entries (for its cadence). */
  dates: Array<string | null>;
  bodyHash: string | null;
  error: FeedaggError | null;
}

/** The pure stages a poll runs on fetched bytes; replaceable so tests can make them fail. */
export interface PollStages {
  open: typeof openDocument;
  prepare: typeof prepareEntries;
}

export const POLL_STAGES: PollStages = { open: openDocument, prepare: prepareEntries };

/** Documents from this size on are followed by a garbage collection (see collectGarbage). */
const LARGE_DOCUMENT_BYTES = 1024 * 1024;

export function slotLimits(context: AppContext): SlotLimits {
  const { fetch } = context.config;
  return { concurrency: fetch.perHostConcurrency, intervalMs: fetch.perHostInterval, leaseMs: fetch.timeout + 5_000 };
}

function fetchOptions(context: AppContext, source: SourceConfig, state: SourceState, host: string, outcome: PollOutcome): FetchOptions {
  const { fetch, schedule } = context.config;
  const open = source.allowPrivateNetworks || fetch.allowPrivateNetworks;
  return {
    timeoutMs: fetch.timeout,
    maxBodySize: fetch.maxBodySize,
    maxRetryAfterMs: schedule.maxRetryAfter,
    userAgent: context.userAgent,
    headers: source.headers,
    // Validators belong to the URL they came from: a source whose url changed starts afresh.
    etag: state.configUrl === source.url ? state.etag : null,
    lastModified: state.configUrl === source.url ? state.lastModified : null,
    dispatcher: open ? context.http.open : context.http.guarded,
    guard: open ? null : context.http.guard,
    // The first host's slot came with the poll's start; a redirect to another host takes one.
    beforeRequest: async (url: URL) => {
      if (url.hostname.toLowerCase() === host) return async () => undefined;
      const started = Date.now();
      try {
        return await acquireHostSlot(context.redis, context.keys, url.hostname, slotLimits(context));
      } catch (error) {
        // Typed here, or the fetcher would take a Redis failure for the feed host's (CONNECTION).
        throw isRedisUnavailable(error) ? redisUnavailable(error, `taking a slot for ${url.hostname}`) : asFeedaggError(error);
      } finally {
        outcome.waitMs += Date.now() - started;
      }
    },
  };
}

async function openBody(context: AppContext, source: SourceConfig, fetched: FetchResult, stages: PollStages, now: Date): Promise<OpenedDocument> {
  return context.parseBudget.run(fetched.body.length, async () => {
    try {
      return await stages.open({ sourceId: source.id, body: fetched.body, contentType: fetched.contentType, documentUrl: fetched.url, now, limits: context.config.fetch });
    } finally {
      // Parsing a large document leaves many times its size in garbage: collect it now.
      if (fetched.body.length >= LARGE_DOCUMENT_BYTES) collectGarbage();
    }
  });
}

async function storeDocument(context: AppContext, source: SourceConfig, document: OpenedDocument, attempt: PollAttempt, stages: PollStages, now: Date): Promise<void> {
  const { outcome } = attempt;
  const { redis, keys } = context;
  // An entry listed twice in one document is stored once (its listings would take turns).
  const entries = document.entries.filter((entry) => !entry.identity.repeat);
  const listing = entries.map((entry) => ({ ekh: entryKeyHash(entry.identity.entryKey), rawFp: entry.rawFp }));
  const previous = await readListing(redis, keys, source.id);
  const changed = entries.filter((entry, index) => previous.get(listing[index]?.ekh ?? '') !== entry.rawFp);
  outcome.entries = entries.length;
  if (changed.length > 0 || previous.size !== listing.length) {
    const prepared = stages.prepare(document, source.id, changed);
    const results = await acceptEntries(redis, keys, source.id, listing, prepared, { windowMs: context.config.dedupe.window }, now);
    outcome.created = results.filter((result) => result.decision === 'created').length;
    outcome.merged = results.filter((result) => result.decision === 'merged').length;
    outcome.updated = results.filter((result) => result.decision === 'updated').length;
    await addEvents(redis, keys, context.queues.articles, acceptedEvents(prepared, results, now), context.config.articles);
  }
  outcome.warnings = feedWarnings(document.open);
}

export async function attemptPoll(context: AppContext, source: SourceConfig, state: SourceState, url: string, host: string, slotToken: string, now: Date, stages: PollStages = POLL_STAGES): Promise<PollAttempt> {
  const outcome = emptyOutcome(source.id);
  const attempt: PollAttempt = { outcome, fetched: null, document: null, dates: [], bodyHash: null, error: null };
  const started = Date.now();
  try {
    let fetched: FetchResult;
    try {
      fetched = await fetchFeed(url, fetchOptions(context, source, state, host, outcome));
    } finally {
      releaseSlot(context.redis, context.keys, host, slotToken);
    }
    attempt.fetched = fetched;
    outcome.status = fetched.status;
    attempt.bodyHash = fetched.notModified ? state.bodyHash : createHash('sha256').update(fetched.body).digest('hex');
    // Same bytes as last time: nothing to parse (servers without validators send these daily).
    outcome.notModified = fetched.notModified || attempt.bodyHash === state.bodyHash;
    if (!outcome.notModified) {
      const document = await openBody(context, source, fetched, stages, now);
      attempt.document = document;
      attempt.dates = document.entries.map((entry) => {
        const rank = entryRank(entry.raw, now);
        return Number.isFinite(rank) ? new Date(rank).toISOString() : null;
      });
      await storeDocument(context, source, document, attempt, stages, now);
    }
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
