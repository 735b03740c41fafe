/**
 * One poll attempt, its host slot already taken: fetch; unless unchanged, open the document,
 * find the entries that are new or changed (raw fingerprint against the source's listing),
 * prepare only those, accept them in one script call, hand their events over. Every outcome
 * is typed: feed and network failures by the fetcher, anything unforeseen as INTERNAL. Only a
 * Redis failure escapes, as REDIS_UNAVAILABLE: it is not the source's fault, and the job is
 * retried.
 */
import { createHash, webcrypto } from 'node:crypto';
import type { SourceConfig } from '../config/schema.js';
import { asFeedaggError, FeedaggError } from '../src/errors.js';
import { fetchFeed, type FetchOptions, type FetchResult } from '../src/fetch/fetch-feed.js';
import type { PollOutcome, SourceState } from '../src/model/source-state.js';
import type { DocumentReading } from '../src/pipeline/read-document.js';
import { redactText } from '../src/redact.js';
import type { Queue } from 'bullmq';
import type { ArticleEvent, ArticleEventType } from '../src/model/article-event.js';
import { acceptedEvents, addEvents, type EventSettings } from '../src/queue/article-events.js';
import type { AppContext } from '../src/runtime/context.js';
import { emptyOutcome } from '../src/schedule/poll-decision.js';
import { type AcceptResult } from '../src/store/article-store.js';
import { HOST_LEASE_MS } from '../src/runtime/host-owners.js';
import { isRedisUnavailable, redisUnavailable } from '../src/redis/errors.js';
import { Store } from '../src/store/store.js';

export interface PollAttempt {
  outcome: PollOutcome;
  fetched: FetchResult | null;
  document: DocumentReading | null;
  /** Publish dates of the document's entries (for its cadence). */
  dates: Array<string | null>;
  bodyHash: string | null;
  /** Bytes of the body fetched (the body itself moves to the document thread). */
  bytes: number;
  error: FeedaggError | null;
}

/** Bodies from this size on are hashed in libuv's thread pool (WebCrypto), not on the event loop. */
const ASYNC_HASH_BYTES = 256 * 1024;

async function bodyHash(body: Buffer): Promise<string> {
  if (body.length < ASYNC_HASH_BYTES) return createHash('sha256').update(body).digest('hex');
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', body)).toString('hex');
}

/**
 * A redirect hop to another host: that host taken for this process (its owner), then a turn on
 * it here. Resolves to the function that gives both back. A host another process keeps busy
 * longer than the fetch timeout fails the hop as a timeout.
 */
async function redirectTurn(context: AppContext, host: string): Promise<() => Promise<void>> {
  const { store, hostOwners, pollSlots } = context;
  hostOwners.pin(host);
  try {
    const deadline = Date.now() + context.config.fetch.timeout;
    for (;;) {
      const wait = await store.polls.acquireHost(hostOwners.owner, HOST_LEASE_MS, host);
      if (wait <= 0) break;
      if (Date.now() + wait > deadline) throw new FeedaggError('FETCH_TIMEOUT', `redirect to ${host}: another process polls that host for longer than fetch.timeout`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const { release } = await pollSlots.turn(host);
    return async () => {
      release();
      hostOwners.unpin(host);
    };
  } catch (error) {
    hostOwners.unpin(host);
    throw error;
  }
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
    interrupt: context.interrupt.signal,
    guard: open ? null : context.http.guard,
    // The first host's slot came with the poll's start; a redirect to another host takes one.
    beforeRequest: async (url: URL) => {
      if (url.hostname.toLowerCase() === host) return async () => undefined;
      const started = Date.now();
      try {
        return await redirectTurn(context, url.hostname.toLowerCase());
      } catch (error) {
        // Typed here, or the fetcher would take a Redis failure for the feed host's (CONNECTION).
        throw isRedisUnavailable(error) ? redisUnavailable(error, `taking a slot for ${url.hostname}`) : asFeedaggError(error);
      } finally {
        outcome.waitMs += Date.now() - started;
      }
    },
  };
}

/** Read the document in a thread, against the source's listing (only new or changed entries are prepared). */
async function readBody(context: AppContext, source: SourceConfig, fetched: FetchResult, now: Date): Promise<DocumentReading> {
  const previous = await context.store.articles.readListing(source.id);
  return context.documents.read({
    sourceId: source.id,
    body: fetched.body,
    contentType: fetched.contentType,
    documentUrl: fetched.url,
    now: now.getTime(),
    limits: context.config.fetch,
    previous: [...previous],
    ...(source.include.length > 0 || source.exclude.length > 0 ? { filter: { include: source.include, exclude: source.exclude } } : {}),
  });
}

export interface StoreSettings {
  /** dedupe.window: how far back a near-duplicate may be. */
  windowMs: number;
  /** Where the events go; null: none are handed over (a store-only caller). */
  events: { queue: Queue<ArticleEvent, unknown, ArticleEventType>; settings: EventSettings } | null;
}

/**
 * A read document into the store: when its listing changed, its new and changed entries are
 * accepted in one script call and their events handed over. The store step of every poll.
 */
export async function storeReading(store: Store, sourceId: string, reading: Pick<DocumentReading, 'listing' | 'prepared' | 'changed'>, settings: StoreSettings, now: Date): Promise<AcceptResult[]> {
  if (!reading.changed) return [];
  const results = await store.articles.acceptEntries(sourceId, reading.listing, reading.prepared, { windowMs: settings.windowMs }, now);
  if (settings.events) await addEvents(store, settings.events.queue, acceptedEvents(reading.prepared, results, now), settings.events.settings);
  return results;
}

async function storeDocument(context: AppContext, source: SourceConfig, document: DocumentReading, attempt: PollAttempt, now: Date): Promise<void> {
  const { outcome } = attempt;
  outcome.entries = document.listing.length;
  const events = { queue: context.queues.articles, settings: context.config.articles };
  const results = await storeReading(context.store, source.id, document, { windowMs: context.config.dedupe.window, events }, now);
  outcome.created = results.filter((result) => result.decision === 'created').length;
  outcome.merged = results.filter((result) => result.decision === 'merged').length;
  outcome.updated = results.filter((result) => result.decision === 'updated').length;
  outcome.warnings = document.warnings;
}

/** `requestsDone`: called once the requests are over (the host's turn ends there: politeness counts requests in flight). */
export async function attemptPoll(context: AppContext, source: SourceConfig, state: SourceState, url: string, host: string, now: Date, requestsDone?: () => void): Promise<PollAttempt> {
  const outcome = emptyOutcome(source.id);
  const attempt: PollAttempt = { outcome, fetched: null, document: null, dates: [], bodyHash: null, bytes: 0, error: null };
  const started = Date.now();
  try {
    let fetched: FetchResult;
    try {
      fetched = await fetchFeed(url, fetchOptions(context, source, state, host, outcome));
    } finally {
      requestsDone?.();
    }
    attempt.fetched = fetched;
    attempt.bytes = fetched.body.length;
    outcome.bytes = fetched.body.length;
    outcome.status = fetched.status;
    attempt.bodyHash = fetched.notModified ? state.bodyHash : await bodyHash(fetched.body);
    // Same bytes as last time: nothing to parse (servers without validators send these daily).
    outcome.notModified = fetched.notModified || attempt.bodyHash === state.bodyHash;
    if (!outcome.notModified) {
      // Under the byte budget from reading to the events: what a document costs in memory
      // (its text, its tree, its articles and their events) is held until then, so a process
      // that takes one host's heavy feeds reads and stores them a few at a time.
      await context.parseBudget.run(fetched.body.length, async () => {
        const document = await readBody(context, source, fetched, now);
        attempt.document = document;
        attempt.dates = document.dates;
        await storeDocument(context, source, document, attempt, now);
      });
    }
    outcome.ok = true;
  } catch (error) {
    if (isRedisUnavailable(error)) throw redisUnavailable(error, `polling ${source.id}`);
    const typed = asFeedaggError(error);
    attempt.error = typed;
    attempt.bodyHash = state.bodyHash;
    outcome.ok = false;
    // Stored, shown and logged: a URL in the message loses its credentials here.
    outcome.error = { code: typed.code, message: redactText(typed.message) };
    outcome.status = typed.status ?? outcome.status;
  }
  outcome.durationMs = Math.max(0, Date.now() - started - outcome.waitMs);
  return attempt;
}
