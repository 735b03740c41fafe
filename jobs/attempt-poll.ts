/** One poll attempt: fetch, read (unless unchanged), accept entries, hand events downstream. */
import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/schema.js';
import { FeedaggError } from '../src/errors.js';
import { fetchFeed, type FetchResult } from '../src/fetch/fetch-feed.js';
import type { PollOutcome } from '../src/model/source-state.js';
import { readFeed, type ReadFeedResult } from '../src/pipeline/read-feed.js';
import { deliverEvents } from '../src/queue/article-events.js';
import type { AppContext } from '../src/runtime/context.js';
import { acceptEntries } from '../src/store/article-store.js';
import { acquireHostSlot } from '../src/store/host-store.js';
import type { StoredSourceState } from '../src/store/source-state-store.js';
import { emptyOutcome } from './poll-plan.js';

export interface PollAttempt {
  outcome: PollOutcome;
  fetched: FetchResult | null;
  feed: ReadFeedResult | null;
  bodyHash: string | null;
  error: FeedaggError | null;
}

function fetchOptions(context: AppContext, source: SourceConfig, state: StoredSourceState) {
  const { fetch } = context.config;
  const open = source.allowPrivateNetworks || fetch.allowPrivateNetworks;
  return {
    timeoutMs: fetch.timeout,
    maxBodySize: fetch.maxBodySize,
    userAgent: context.userAgent,
    headers: source.headers,
    etag: state.etag,
    lastModified: state.lastModified,
    dispatcher: open ? context.http.open : context.http.guarded,
    blockList: open ? null : context.http.blockList,
    beforeRequest: (url: URL) => acquireHostSlot(context.redis, context.keys, url.hostname, {
      concurrency: fetch.perHostConcurrency,
      intervalMs: fetch.perHostInterval,
      leaseMs: fetch.timeout + 5_000,
    }),
  };
}

export async function attemptPoll(context: AppContext, source: SourceConfig, state: StoredSourceState, url: string, now: Date): Promise<PollAttempt> {
  const outcome = emptyOutcome(source.id);
  const attempt: PollAttempt = { outcome, fetched: null, feed: null, bodyHash: null, error: null };
  try {
    const fetched = await fetchFeed(url, fetchOptions(context, source, state));
    attempt.fetched = fetched;
    outcome.status = fetched.status;
    attempt.bodyHash = fetched.notModified ? state.bodyHash : createHash('sha256').update(fetched.body).digest('hex');
    // Same bytes as last time: nothing to parse (servers without validators send these daily).
    outcome.notModified = fetched.notModified || attempt.bodyHash === state.bodyHash;
    if (!outcome.notModified) {
      const feed = await readFeed({ sourceId: source.id, body: fetched.body, contentType: fetched.contentType, documentUrl: fetched.url, now });
      attempt.feed = feed;
      const { retention, window } = context.config.dedupe;
      const results = await acceptEntries(context.redis, context.keys, source.id, feed.entries, { retentionMs: retention, windowMs: window }, now);
      outcome.entries = feed.entries.length;
      outcome.created = results.filter((result) => result.decision === 'created').length;
      outcome.merged = results.filter((result) => result.decision === 'merged').length;
      outcome.updated = results.filter((result) => result.decision === 'updated').length;
      const events = results.map((result) => result.event).filter((event) => event !== '');
      await deliverEvents(context.redis, context.keys, context.queues.articles, events, context.config.articles, now);
    }
    outcome.ok = true;
  } catch (error) {
    if (!(error instanceof FeedaggError)) throw error; // a bug or Redis down: let BullMQ retry the job
    attempt.error = error;
    attempt.bodyHash = state.bodyHash;
    outcome.error = { code: error.code, message: error.message };
    outcome.status = error.status ?? outcome.status;
  }
  outcome.durationMs = context.now().getTime() - now.getTime();
  return attempt;
}
