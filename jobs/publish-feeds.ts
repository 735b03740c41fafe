/** The publish job: rebuild the combined feed; files change only when their content does. */
import type { Job } from 'bullmq';
import { publishOutputs, type PublishResult } from '../src/publish/publish-outputs.js';
import type { PublishJobData } from '../src/queue/names.js';
import type { AppContext } from '../src/runtime/context.js';

export function createPublishProcessor(context: AppContext) {
  return async function publishFeeds(job: Job<PublishJobData>): Promise<PublishResult> {
    const result = await publishOutputs(context.redis, context.keys, context.config, context.now());
    context.log.info({ reason: job.data.reason, items: result.items, written: result.written, unchanged: result.unchanged }, 'published');
    return result;
  };
}
