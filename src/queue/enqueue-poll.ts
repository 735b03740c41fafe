import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import type { PollJobData } from './names.js';

/**
 * Poll job options. A job is a batch of sources (issue 17); the claim of each source (the
 * tick's, or claim-now.lua's) keeps two batches from polling one source at once, so batches
 * need no deduplication. A completed batch leaves nothing behind: the outcomes live in each
 * source's state; a failed one is kept a while for the operator.
 */
const BATCH_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { count: 100 },
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
} as const;

/** One source, as earlier versions queued it (BullMQ deduplication on the source id). */
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

export interface PlannedBatch {
  jobId: string;
  ids: string[];
}

/**
 * Few due sources are cut into at least this many batches, so that several workers share them
 * (one batch of 60 hostile documents took one worker past its memory limit in the fault suite
 * while three others idled); many due sources make batches of the full size.
 */
export const MIN_BATCHES = 8;

/** Cut sources into batches of at most `size` with their job ids, before anything is queued (the claims record the ids first). */
export function planBatches(sourceIds: string[], size: number, hostOf?: (id: string) => string): PlannedBatch[] {
  if (hostOf) {
    // A host's sources side by side: one process polls a host at a time (poll-begin-batch.lua),
    // so a host spread over many batches would send most of them back to the schedule.
    const hosts = new Map(sourceIds.map((id) => [id, hostOf(id)]));
    sourceIds = [...sourceIds].sort((a, b) => ((hosts.get(a) ?? '') < (hosts.get(b) ?? '') ? -1 : (hosts.get(a) ?? '') > (hosts.get(b) ?? '') ? 1 : 0));
  }
  const step = Math.max(1, Math.min(size, Math.ceil(sourceIds.length / MIN_BATCHES)));
  const batches: PlannedBatch[] = [];
  for (let start = 0; start < sourceIds.length; start += step) batches.push({ jobId: `batch-${randomUUID()}`, ids: sourceIds.slice(start, start + step) });
  return batches;
}

/** Queue planned batches, up to 500 jobs per call. */
export async function enqueueBatches(queue: Queue<PollJobData, unknown, 'poll'>, batches: PlannedBatch[], sources?: number): Promise<void> {
  for (let start = 0; start < batches.length; start += 500) {
    await queue.addBulk(batches.slice(start, start + 500).map(({ jobId, ids }) => ({
      name: 'poll' as const,
      data: { sourceIds: ids, ...(sources === undefined ? {} : { sources }) },
      opts: { ...BATCH_OPTIONS, jobId },
    })));
  }
}
