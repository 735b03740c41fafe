/** Poll sources through the queue from this process and wait for the outcomes (run --once, refresh). */
import { QueueEvents } from 'bullmq';
import { emptyOutcome } from '../../jobs/poll-plan.js';
import type { PollOutcome } from '../model/source-state.js';
import { enqueuePoll } from '../queue/enqueue-poll.js';
import { QUEUE_NAMES } from '../queue/names.js';
import { startWorkers, type Runtime } from './runtime.js';

export interface PollNow {
  /** Enqueue (or join the queued poll of) one source and wait for its outcome. */
  poll(sourceId: string): Promise<PollOutcome>;
}

/** Start this process's workers and listen for poll completions. */
export async function startPollNow(runtime: Runtime): Promise<PollNow> {
  startWorkers(runtime);
  const { redis, config, queues } = runtime.context;
  const events = new QueueEvents(QUEUE_NAMES.poll, { connection: redis, prefix: config.redis.prefix });
  runtime.queueEvents.push(events);
  await events.waitUntilReady();
  return {
    async poll(sourceId) {
      const job = await enqueuePoll(queues.poll, sourceId);
      return job.waitUntilFinished(events).then(
        (value) => value as PollOutcome,
        (error: unknown) => ({ ...emptyOutcome(sourceId), error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } }),
      );
    },
  };
}
