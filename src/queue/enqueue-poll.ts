import type { Job, Queue } from 'bullmq';
import type { PollJobData } from './names.js';

/**
 * Add a poll job for a source. BullMQ deduplication on the source id (simple mode: while a
 * job with that id is waiting or active) means one source is never polled twice at once;
 * the returned job is the one already queued when there is one.
 */
export async function enqueuePoll(queue: Queue<PollJobData, unknown, 'poll'>, sourceId: string): Promise<Job<PollJobData, unknown, 'poll'>> {
  return queue.add('poll', { sourceId }, {
    deduplication: { id: sourceId },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
  });
}
