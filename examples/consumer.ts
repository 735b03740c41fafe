/**
 * A downstream consumer of feedagg's `articles` queue: a plain BullMQ Worker.
 *
 *   node dist/examples/consumer.js   (built by npm ci / npm run build; Node 20+)
 *
 * It connects to REDIS_URL, else to the Redis feedagg uses with its config (FEEDAGG_CONFIG,
 * default config/feedagg.yaml), found as `feedagg redis-url` finds it: redis.url, the private
 * redis-server feedagg start runs, or 127.0.0.1:6379.
 *
 * Each job's data is an ArticleEvent v1 (schemas/article-event.v1.json). Job ids are
 * `<article id>-v<version>`, so a retried poll never delivers one event twice; handle each
 * version idempotently (e.g. upsert by article id, keep the highest version).
 */
import { Worker, type Job } from 'bullmq';
import { loadConfig, resolveConfigPath } from '../config/load-config.js';
import type { ArticleEvent } from '../src/model/article-event.js';
import { currentRedisUrl } from '../src/redis/connection.js';
import { redactUrl } from '../src/redact.js';

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

/** REDIS_URL, else the Redis feedagg uses with its config (as `feedagg redis-url`), and the config's prefix. */
export async function consumerTarget(env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; prefix: string }> {
  const config = await loadConfig(resolveConfigPath(undefined, env)).catch(() => null);
  const prefix = env.FEEDAGG_PREFIX ?? config?.redis.prefix ?? '{feedagg}';
  if (env.REDIS_URL) return { url: env.REDIS_URL, prefix };
  const url = await currentRedisUrl(config?.redis.url ?? null, config?.redis.dataDir ?? './data/redis');
  if (!url) throw new Error('no Redis found: set REDIS_URL, or start feedagg (feedagg redis-url prints the URL it uses)');
  return { url, prefix };
}

// Run directly: print every event.
if (process.argv[1]?.endsWith('consumer.ts') || process.argv[1]?.endsWith('consumer.js')) {
  const { url, prefix } = await consumerTarget();
  console.error(`consumer: reading the articles queue at ${redactUrl(url)} (prefix ${prefix})`);
  const worker = startConsumer(url, prefix, async (event) => {
    const { article } = event;
    console.log(`${event.type} v${event.version}: ${article.title} <${article.url ?? 'no url'}> from ${article.sources.map((source) => source.sourceId).join(', ')}`);
  });
  reportErrors(worker);
  stopOnSignals(worker);
}
