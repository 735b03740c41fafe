/**
 * The publish job: coalesced merges get their event, every output is rebuilt (files change only
 * when their content does), then the store is kept to its working set: expired articles leave,
 * near-duplicate data past the window goes. Last, a warning when events pile up unconsumed.
 */
import type { Job } from 'bullmq';
import type { BuildTask } from '../src/pipeline/thread-tasks.js';
import { buildBytes } from '../src/runtime/document-pool.js';
import { BANDS } from '../src/dedupe/minhash.js';
import { countPublish } from '../src/observe/metrics.js';
import { publishOutputs, type PublishResult } from '../src/publish/publish-outputs.js';
import { withPublishLease } from '../src/publish/publish-lease.js';
import { deliverEvents } from '../src/queue/article-events.js';
import { eventBacklog } from '../src/queue/event-backlog.js';
import { PUBLISH_DEDUP_ID, type PublishJobData } from '../src/queue/names.js';
import { FeedaggError } from '../src/errors.js';
import type { AppContext } from '../src/runtime/context.js';

/** Publish every output now, from this process (the publish job, and run --once), one publisher at a time. */
export function publishNow(context: AppContext): Promise<PublishResult> {
  return withPublishLease(context.store, () => publishHoldingLease(context));
}

async function publishHoldingLease(context: AppContext): Promise<PublishResult> {
  const { store, config } = context;
  const now = context.now();
  const started = performance.now();
  const build = context.documents.build?.bind(context.documents);
  const coalesced = await store.outbox.coalesceMerges();
  if (coalesced.length > 0) await deliverEvents(store, context.queues.articles, coalesced, config.articles, now);
  await context.sources.refresh();
  // Source titles and tags as every process sees them (start may have reloaded its config).
  const result = await publishOutputs(store, { ...config, sources: context.sources.all() }, now, {
    dispatcher: context.http.open,
    // Building documents of up to output.maxBytes is CPU work: a document thread does it.
    // Weighed like documents being read, so a large build never runs beside large reads.
    ...(build ? { build: (task: BuildTask) => context.parseBudget.run(buildBytes(task), () => build(task)) } : {}),
    onPingError: (error) => context.log.warn({ hub: config.output.websubHub, err: error instanceof Error ? error.message : String(error) }, 'WebSub ping failed'),
  });
  await store.workingSet.sweepExpired(now.getTime() - config.dedupe.retention);
  await store.workingSet.sweepWindow(BANDS, now.getTime() - config.dedupe.window);
  if (config.articles.enabled) context.backlogWarning.check(await eventBacklog(store, context.queues.articles), now.getTime());
  await countPublish(store, (performance.now() - started) / 1000);
  return result;
}

export function createPublishProcessor(context: AppContext) {
  return async function publishFeeds(job: Job<PublishJobData>): Promise<PublishResult> {
    let result: PublishResult;
    try {
      result = await publishNow(context);
    } catch (error) {
      if (error instanceof FeedaggError && error.code === 'PUBLISH_BUSY') {
        // Another process publishes (a run --once, a second start): not a failure; ours comes after.
        context.log.info({ reason: job.data.reason, err: error.message }, 'publish postponed: another process is publishing');
        await context.queues.publish.add('publish', { reason: `postponed: ${job.data.reason}` }, { delay: 5_000, deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
        return { items: 0, written: [], unchanged: [], pinged: [], leftOut: {} };
      }
      // /readyz of every process says so until the next good publish (the files stay as they were).
      const message = error instanceof FeedaggError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      context.publishFailure = { at: context.now().toISOString(), message };
      if (error instanceof FeedaggError && error.code === 'OUTPUT') context.outputProblem = error.message;
      await context.store.outputs.recordPublishFailure(context.publishFailure).catch(() => undefined);
      context.log.error({ reason: job.data.reason, err: message }, 'publish failed; the outputs stay as they were');
      throw error;
    }
    context.publishFailure = null;
    context.outputProblem = null;
    // The window's articles were read and handed to the build thread: their copies here are garbage.
    context.heapPacer.check();
    for (const [folder, count] of Object.entries(result.leftOut)) {
      context.log.warn({ output: folder || '(main)', leftOut: count, maxBytes: context.config.output.maxBytes }, 'items left out of the published documents to stay within output.maxBytes');
    }
    context.log.info({ reason: job.data.reason, items: result.items, written: result.written, pinged: result.pinged.length }, 'published');
    return result;
  };
}
