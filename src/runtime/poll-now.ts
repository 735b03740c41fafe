/** Poll sources through the queue from this process and wait for the outcomes (run --once, refresh). */
import { Job, QueueEvents } from 'bullmq';
import type { PollOutcome } from '../model/source-state.js';
import { enqueuePoll } from '../queue/enqueue-poll.js';
import { QUEUE_NAMES } from '../queue/names.js';
import { emptyOutcome } from '../schedule/poll-decision.js';
import { startWorkers, type Runtime } from './runtime.js';

export interface PollNow {
  /** Enqueue (or join the queued poll of) one source and wait for its outcome. */
  poll(sourceId: string): Promise<PollOutcome>;
}

type Settle = (outcome: PollOutcome) => void;

function failedOutcome(sourceId: string, reason: string): PollOutcome {
  return { ...emptyOutcome(sourceId), error: { code: 'INTERNAL', message: reason } };
}

/**
 * Start this process's workers and listen for poll completions. One listener per event for
 * every waiting poll (BullMQ's job.waitUntilFinished adds listeners per job, and 11 of them
 * trip Node's MaxListenersExceededWarning).
 */
export async function startPollNow(runtime: Runtime): Promise<PollNow> {
  startWorkers(runtime);
  const { redis, config, queues } = runtime.context;
  const events = new QueueEvents(QUEUE_NAMES.poll, { connection: redis, prefix: config.redis.prefix });
  runtime.queueEvents.push(events);
  events.on('error', (error: Error) => runtime.health.report('queue events poll', error));
  const waiting = new Map<string, Settle[]>();
  const settle = (jobId: string, outcome: (sourceId: string) => PollOutcome, sourceId?: string) => {
    const waiters = waiting.get(jobId);
    if (!waiters) return;
    waiting.delete(jobId);
    for (const resolve of waiters) resolve(outcome(sourceId ?? ''));
  };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, () => returnvalue as unknown as PollOutcome));
  events.on('failed', ({ jobId, failedReason }) => settle(jobId, (sourceId) => failedOutcome(sourceId, failedReason)));
  await events.waitUntilReady();
  return {
    async poll(sourceId) {
      const queued = await enqueuePoll(queues.poll, sourceId);
      const jobId = queued.id ?? '';
      const outcome = new Promise<PollOutcome>((resolve) => waiting.set(jobId, [...(waiting.get(jobId) ?? []), (value) => resolve(value.sourceId ? value : { ...value, sourceId })]));
      // The job may have finished before the listeners above saw it: look once now.
      const job = await Job.fromId<unknown, PollOutcome>(queues.poll, jobId);
      if (!job) settle(jobId, () => failedOutcome(sourceId, 'the poll job vanished before it finished'));
      else if (await job.isCompleted()) settle(jobId, () => job.returnvalue);
      else if (await job.isFailed()) settle(jobId, () => failedOutcome(sourceId, job.failedReason));
      return outcome;
    },
  };
}
