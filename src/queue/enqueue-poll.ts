import type { Job, Queue } from 'bullmq';
import type { PollJobData } from './names.js';

/**
 * Poll job options. BullMQ deduplication on the source id (simple mode: while a job with that
 * id is waiting, delayed or active) means one source is never polled twice at once; adding it
 * again returns the job already queued.
 */
function pollOptions(sourceId: string) {
  return {
    deduplication: { id: sourceId },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
  };
}

export async function enqueuePoll(queue: Queue<PollJobData, unknown, 'poll'>, sourceId: string, sources?: number): Promise<Job<PollJobData, unknown, 'poll'>> {
  return queue.add('poll', { sourceId, ...(sources === undefined ? {} : { sources }) }, pollOptions(sourceId));
}

/** Many polls in one call per 500 (the scheduler's tick, `run --once`). */
export async function enqueuePolls(queue: Queue<PollJobData, unknown, 'poll'>, sourceIds: string[], sources?: number): Promise<Array<Job<PollJobData, unknown, 'poll'>>> {
  const jobs: Array<Job<PollJobData, unknown, 'poll'>> = [];
  for (let start = 0; start < sourceIds.length; start += 500) {
    jobs.push(...(await queue.addBulk(sourceIds.slice(start, start + 500).map((sourceId) => ({ name: 'poll' as const, data: { sourceId, ...(sources === undefined ? {} : { sources }) }, opts: pollOptions(sourceId) })))));
  }
  return jobs;
}
