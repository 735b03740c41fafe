/** Worker processes (`feedagg worker`) on a test prefix, and the poll queue to feed them. */
import { Queue, QueueEvents } from 'bullmq';
import { spawnCli } from './cli.js';

export interface WorkerHarness {
  queue: Queue;
  events: QueueEvents;
}

/** Start `count` worker processes, run `body`, then stop everything (workers by SIGTERM). */
export async function withWorkers(count: number, configPath: string, redisUrl: string, prefix: string, body: (harness: WorkerHarness) => Promise<void>): Promise<number[]> {
  const workers = Array.from({ length: count }, () => spawnCli(['worker', '--config', configPath]));
  const exits = workers.map((worker) => new Promise<number>((resolve) => worker.on('exit', (code) => resolve(code ?? -1))));
  const connection = { url: redisUrl };
  const queue = new Queue('poll', { connection, prefix });
  const events = new QueueEvents('poll', { connection, prefix });
  try {
    await events.waitUntilReady();
    await body({ queue, events });
  } finally {
    await events.close();
    await queue.close();
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGTERM');
  }
  return Promise.all(exits);
}
