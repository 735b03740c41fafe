/** The poll job: fetch one source, read its entries, accept the new ones, tell downstream. */
import { UnrecoverableError, type Job } from 'bullmq';
import { describeError, FeedaggError } from '../src/errors.js';
import { fetchFeed } from '../src/fetch/fetch-feed.js';
import type { PollOutcome } from '../src/model/source-state.js';
import { readFeed } from '../src/pipeline/read-feed.js';
import { PUBLISH_DEDUP_ID, type PollJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { acceptEntries } from '../src/store/article-store.js';
import { readSourceState } from '../src/store/source-state-store.js';
import { recordPoll } from './record-poll.js';

export function createPollProcessor(context: AppContext) {
  return async function pollSource(job: Job<PollJobData>): Promise<PollOutcome> {
    const { config, redis, keys, log } = context;
    const source = context.sources.get(job.data.sourceId);
    if (!source) throw new UnrecoverableError(`source "${job.data.sourceId}" is not in this worker's config`);
    const started = context.now();
    const state = await readSourceState(redis, keys, source.id);
    const outcome: PollOutcome = { sourceId: source.id, ok: false, status: null, notModified: false, entries: 0, created: 0, merged: 0, error: null, durationMs: 0 };
    let fetched: Awaited<ReturnType<typeof fetchFeed>> | null = null;
    try {
      fetched = await fetchFeed(source.url, {
        timeoutMs: config.fetch.timeout,
        maxBodySize: config.fetch.maxBodySize,
        userAgent: context.userAgent,
        headers: source.headers,
        etag: state.etag,
        lastModified: state.lastModified,
      });
      outcome.status = fetched.status;
      outcome.notModified = fetched.notModified;
      if (!fetched.notModified) {
        const feed = await readFeed({ sourceId: source.id, body: fetched.body, contentType: fetched.contentType, documentUrl: fetched.url, now: started });
        const results = await acceptEntries(redis, keys, source.id, feed.entries, config.dedupe.retention, started);
        outcome.entries = feed.entries.length;
        outcome.created = results.filter((result) => result.decision === 'created').length;
        outcome.merged = results.filter((result) => result.decision === 'merged').length;
        const members = results.filter((result) => result.decision === 'created').map((result) => `${result.articleId}-v1`);
        await deliverEvents(redis, keys, context.queues.articles, members, config.articles, started);
      }
      outcome.ok = true;
    } catch (error) {
      if (!(error instanceof FeedaggError)) throw error; // a bug or Redis down: let BullMQ retry
      outcome.error = describeError(error);
      outcome.status = error.status ?? outcome.status;
      log.warn({ source: source.id, code: error.code, err: error.message }, 'poll failed');
    }
    outcome.durationMs = context.now().getTime() - started.getTime();
    await recordPoll(context, source, state, outcome, fetched);
    if (outcome.created + outcome.merged > 0) {
      await context.queues.publish.add('publish', { reason: `poll ${source.id}` }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
    }
    log.info({ source: source.id, ok: outcome.ok, status: outcome.status, created: outcome.created, merged: outcome.merged, entries: outcome.entries, ms: outcome.durationMs }, 'polled');
    return outcome;
  };
}
