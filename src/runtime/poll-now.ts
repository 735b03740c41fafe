/** Poll sources through the queue from this process and wait for the outcomes (run --once, refresh). */
import { QueueEvents } from 'bullmq';
import type { PollOutcome } from '../model/source-state.js';
import { enqueuePolls } from '../queue/enqueue-poll.js';
import { QUEUE_NAMES } from '../queue/names.js';
import { emptyOutcome } from '../schedule/poll-decision.js';
import { startWorkers, type Processors, type Runtime } from './runtime.js';

export interface PollNow {
  /** Enqueue (or join the queued polls of) these sources and wait for every outcome, in order. */
  pollMany(sourceIds: string[], onOutcome?: (outcome: PollOutcome) => void): Promise<PollOutcome[]>;
  poll(sourceId: string): Promise<PollOutcome>;
}

function failedOutcome(sourceId: string, reason: string): PollOutcome {
  return { ...emptyOutcome(sourceId), error: { code: 'INTERNAL', message: reason } };
}

/**
 * Start this process's workers and listen for poll completions (a poll another process runs
 * counts too). Listening starts before any job is added, and every completion is kept until
 * asked for, so no outcome can slip by between an add and a wait. One listener per event
 * (BullMQ's job.waitUntilFinished adds listeners per job, and 11 of them trip Node's
 * MaxListenersExceededWarning).
 */
export async function startPollNow(runtime: Runtime, poll: NonNullable<Processors['poll']>): Promise<PollNow> {
  // Polls only: run --once publishes once at the end, and ticks are the scheduler's business.
  startWorkers(runtime, { poll });
  const { bullConnection, config, queues } = runtime.context;
  const events = new QueueEvents(QUEUE_NAMES.poll, { connection: bullConnection, prefix: config.redis.prefix });
  runtime.queueEvents.push(events);
  events.on('error', (error: Error) => runtime.health.report('queue events poll', error));
  const finished = new Map<string, (sourceId: string) => PollOutcome>();
  const waiting = new Map<string, (outcome: (sourceId: string) => PollOutcome) => void>();
  const settle = (jobId: string, outcome: (sourceId: string) => PollOutcome) => {
    const waiter = waiting.get(jobId);
    if (waiter) {
      waiting.delete(jobId);
      waiter(outcome);
    } else {
      finished.set(jobId, outcome);
    }
  };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, () => returnvalue as unknown as PollOutcome));
  events.on('failed', ({ jobId, failedReason }) => settle(jobId, (sourceId) => failedOutcome(sourceId, failedReason)));
  await events.waitUntilReady();
  const wait = (jobId: string, sourceId: string): Promise<PollOutcome> => {
    const done = finished.get(jobId);
    finished.delete(jobId);
    const outcome = done ? Promise.resolve(done) : new Promise<(sourceId: string) => PollOutcome>((resolve) => waiting.set(jobId, resolve));
    return outcome.then((make) => {
      const value = make(sourceId);
      return value.sourceId ? value : { ...value, sourceId };
    });
  };
  const pollNow: PollNow = {
    async pollMany(sourceIds, onOutcome) {
      const jobs = await enqueuePolls(queues.poll, sourceIds);
      return Promise.all(jobs.map(async (job, index) => {
        const outcome = await wait(job.id ?? '', sourceIds[index] ?? '');
        onOutcome?.(outcome);
        return outcome;
      }));
    },
    async poll(sourceId) {
      const [outcome] = await pollNow.pollMany([sourceId]);
      return outcome ?? failedOutcome(sourceId, 'no outcome');
    },
  };
  return pollNow;
}
