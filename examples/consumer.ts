/**
 * A downstream consumer of feedagg's `articles` queue: a plain BullMQ Worker.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node dist/examples/consumer.js   (built by npm ci / npm run build; Node 20+)
 *
 * Each job's data is an ArticleEvent v1 (schemas/article-event.v1.json). Job ids are
 * `<article id>-v<version>`, so a retried poll never delivers one event twice; handle each
 * version idempotently (e.g. upsert by article id, keep the highest version).
 */
import { Worker, type Job } from 'bullmq';
import type { ArticleEvent } from '../src/model/article-event.js';

export type ArticleHandler = (event: ArticleEvent) => Promise<void>;

export function startConsumer(redisUrl: string, prefix: string, handle: ArticleHandler): Worker<ArticleEvent> {
  return new Worker<ArticleEvent>(
    'articles',
    async (job: Job<ArticleEvent>) => {
      if (job.data.v !== 1) throw new Error(`unsupported payload version ${String(job.data.v)}`);
      await handle(job.data);
    },
    { connection: { url: redisUrl }, prefix, concurrency: 4 },
  );
}

/**
 * Report Redis errors once per 30 s, not once per reconnect attempt: while Redis restarts,
 * BullMQ keeps reconnecting by itself and every attempt fails the same way.
 */
export function reportErrors(worker: Worker<ArticleEvent>, print: (line: string) => void = (line) => console.error(line), everyMs = 30_000): void {
  let last = 0;
  let suppressed = 0;
  worker.on('error', (error) => {
    const now = Date.now();
    if (now - last < everyMs) {
      suppressed += 1;
      return;
    }
    print(`consumer: ${error.message}${suppressed > 0 ? ` (and ${suppressed} more since the last report)` : ''}; BullMQ keeps retrying`);
    last = now;
    suppressed = 0;
  });
}

/** Stop within `deadlineMs` (waiting for running jobs), or at once on a second signal. */
export function stopOnSignals(worker: Worker<ArticleEvent>, deadlineMs = 10_000): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), deadlineMs);
    void worker.close().then(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

// Run directly: print every event.
if (process.argv[1]?.endsWith('consumer.ts') || process.argv[1]?.endsWith('consumer.js')) {
  const worker = startConsumer(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', process.env.FEEDAGG_PREFIX ?? '{feedagg}', async (event) => {
    const { article } = event;
    console.log(`${event.type} v${event.version}: ${article.title} <${article.url ?? 'no url'}> from ${article.sources.map((source) => source.sourceId).join(', ')}`);
  });
  reportErrors(worker);
  stopOnSignals(worker);
}
