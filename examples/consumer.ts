/**
 * A downstream consumer of feedagg's `articles` queue: a plain BullMQ Worker.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 FEEDAGG_PREFIX=feedagg node --experimental-strip-types examples/consumer.ts
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

// Run directly: print every event.
if (process.argv[1]?.endsWith('consumer.ts')) {
  const worker = startConsumer(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', process.env.FEEDAGG_PREFIX ?? 'feedagg', async (event) => {
    const { article } = event;
    console.log(`${event.type} v${event.version}: ${article.title} <${article.url ?? 'no url'}> from ${article.sources.map((source) => source.sourceId).join(', ')}`);
  });
  process.once('SIGINT', () => void worker.close());
  process.once('SIGTERM', () => void worker.close());
}
