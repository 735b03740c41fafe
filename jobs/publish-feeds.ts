/** The publish job: rebuild the combined feed; files change only when their content does. */
import type { Job } from 'bullmq';
import { publishOutputs, type PublishResult } from '../src/publish/publish-outputs.js';
import type { PublishJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';

/** Publish every output now, from this process (the publish job, and run --once). */
export function publishNow(context: AppContext): Promise<PublishResult> {
  return publishOutputs(context.redis, context.keys, context.config, context.now(), {
    dispatcher: context.http.open,
    onPingError: (error) => context.log.warn({ hub: context.config.output.websubHub, err: error instanceof Error ? error.message : String(error) }, 'WebSub ping failed'),
  });
}

export function createPublishProcessor(context: AppContext) {
  return async function publishFeeds(job: Job<PublishJobData>): Promise<PublishResult> {
    const result = await publishNow(context);
    context.log.info({ reason: job.data.reason, items: result.items, written: result.written, pinged: result.pinged.length }, 'published');
    return result;
  };
}
