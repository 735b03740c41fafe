/** Every job on the `articles` queue of a prefix, as a consumer would see it. */
import { Queue } from 'bullmq';
import type { ArticleEvent } from '../../src/model/article-event.js';

export interface QueuedEvent {
  id: string;
  name: string;
  data: ArticleEvent;
}

export async function queuedEvents(redisUrl: string, prefix: string): Promise<QueuedEvent[]> {
  const queue = new Queue<ArticleEvent>('articles', { connection: { url: redisUrl }, prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs.map((job) => ({ id: job.id ?? '', name: job.name, data: job.data })).sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    await queue.close();
  }
}
