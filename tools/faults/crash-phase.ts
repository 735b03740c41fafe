/**
 * Crash safety: `feedagg start` and two `feedagg worker`s poll a farm of growing feeds while
 * workers and the scheduler are killed with SIGKILL and Redis is killed or restarted (AOF,
 * fsync always). Afterwards the store must hold every story once, every version must have
 * its one event, nothing may be stuck, and the published feed must be the newest maxItems.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { parseOutboxMember } from '../../src/store/outbox-store.js';
import { articleJobs, readStoredArticles } from './stored-articles.js';
import { storeKeys } from '../../src/store/keys.js';
import { freePort } from '../../src/redis/embedded-redis.js';
import { FeedaggProcess } from './processes.js';
import type { RedisProcess } from './redis-process.js';
import { StoryFarm } from './story-farm.js';
import { Store } from '../../src/store/store.js';

export interface CrashResult {
  seconds: number;
  workerKills: number;
  schedulerKills: number;
  redisRestarts: number;
  stories: number;
  articles: number;
  lost: number;
  storedTwice: number;
  staleText: number;
  events: number;
  eventsMissing: number;
  eventsDoubled: number;
  deliveredTwice: number;
  stuck: string[];
  feedIsNewest: boolean;
  peakWorkerBytes: number;
}

const SOURCES = 8;
const MAX_ITEMS = 50;
type Progress = (line: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(500);
  }
  return false;
}

export async function runCrashPhase(redis: RedisProcess, dir: string, chaosSeconds: number, progress: Progress): Promise<CrashResult> {
  const farm = new StoryFarm(SOURCES);
  const server = createServer((request, response) => {
    if (!farm.handle(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const farmPort = (server.address() as { port: number }).port;
  const prefix = `faults-${randomUUID().slice(0, 8)}`;
  const outputDir = join(dir, 'public');
  const configPath = join(dir, 'crash.yaml');
  await writeFile(configPath, stringify({
    redis: { url: redis.url, prefix },
    http: { port: await freePort() },
    output: { dir: outputDir, maxItems: MAX_ITEMS, maxAge: '3650d' },
    schedule: { tick: '1s', minInterval: '1s', defaultInterval: '1s', maxInterval: '4s' },
    fetch: { timeout: '5s', allowPrivateNetworks: true, perHostInterval: '1ms', perHostConcurrency: 16 },
    articles: { keepCompleted: 1_000_000, keepAge: '7d' },
    sources: Array.from({ length: SOURCES }, (_, index) => ({ id: `farm-${index}`, url: `http://127.0.0.1:${farmPort}/farm/${index}.xml`, interval: '1s' })),
  }));
  const args = (command: string) => [command, '--config', configPath];
  const scheduler = new FeedaggProcess('start', args('start'), join(dir, 'start.log'));
  const workers = [0, 1].map((index) => new FeedaggProcess(`worker-${index}`, args('worker'), join(dir, `worker-${index}.log`)));
  // A downstream consumer that counts every delivery, so a doubled delivery would show.
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  const deliveries = new Map<string, number>();
  const consumer = new Worker('articles', async (job) => {
    deliveries.set(job.id ?? '', (deliveries.get(job.id ?? '') ?? 0) + 1);
  }, { connection: client, prefix, concurrency: 8 });
  consumer.on('error', () => undefined);

  for (let index = 0; index < 5; index += 1) farm.addStory();
  scheduler.start();
  for (const worker of workers) worker.start();
  const started = Date.now();
  let redisRestarts = 0;
  const growth = setInterval(() => {
    farm.addStory();
    if (farm.stories.length % 8 === 0) farm.editStory();
  }, 250);
  // The kills: every 4 s one of them, in a fixed order (9 workers, 4 schedulers, 3 Redis).
  const plan = ['worker', 'worker', 'start', 'redis-term', 'worker', 'worker', 'start', 'worker', 'redis-kill', 'worker', 'start', 'worker', 'redis-term', 'worker', 'start', 'worker'];
  const steps = Math.min(plan.length, Math.max(1, Math.floor(chaosSeconds / 4)));
  for (let step = 0; step < steps; step += 1) {
    await sleep(4_000);
    const action = plan[step] ?? 'worker';
    progress(`  chaos ${step + 1}/${steps}: ${action} (${farm.stories.length} stories so far)`);
    if (action === 'worker') {
      const worker = workers[step % workers.length] as FeedaggProcess;
      await worker.crash();
      await sleep(300);
      worker.start();
    } else if (action === 'start') {
      await scheduler.crash();
      await sleep(800);
      scheduler.start();
    } else {
      await redis.stop(action === 'redis-kill' ? 'SIGKILL' : 'SIGTERM');
      await sleep(1_500);
      await redis.start({ fsyncAlways: true });
      redisRestarts += 1;
    }
  }
  clearInterval(growth);
  const grownUntil = Date.now();
  const seconds = Math.round((grownUntil - started) / 1000);
  progress(`  growth stopped at ${farm.stories.length} stories; waiting for the workers to settle`);

  const keys = storeKeys(prefix);
  const sourceIds = Array.from({ length: SOURCES }, (_, index) => `farm-${index}`);
  const settled = await until('every source polled after the growth stopped', async () => {
    const states = await new Store(client, keys).sources.readSourceStates(sourceIds);
    const outbox = await client.scard(keys.outbox);
    return outbox === 0 && states.every((state) => state.lastPollAt !== null && Date.parse(state.lastPollAt) > grownUntil + 2_000 && state.lastError === null);
  }, 90_000);
  const stuck: string[] = settled ? [] : ['sources not polled cleanly within 90 s of the growth stopping'];
  // Poll jobs are created all the time; stuck ones are those waiting or active for long.
  const pollQueue = new Queue('poll', { connection: client, prefix });
  for (const job of await pollQueue.getJobs(['active', 'waiting', 'delayed', 'prioritized'])) {
    if (Date.now() - job.timestamp > 45_000) stuck.push(`poll job ${job.id} (${job.data.sourceId}) since ${new Date(job.timestamp).toISOString()}`);
  }
  // The last polls may each have asked for a publish: wait until one ran after them and none
  // is waiting or running (a publish writes its files before it records its time). A publish
  // whose worker was killed is taken up again once its lock expires (publish worker:
  // lockDuration 15 s, stall checks every 5 s), so this may take that long.
  const publishQueue = new Queue('publish', { connection: client, prefix });
  let quiet = 0;
  await until('a publish after the last poll, and none pending', async () => {
    const after = Date.parse((await client.get(`${keys.outputs}:last-publish`)) ?? '') > grownUntil + 2_000;
    const pending = Object.values(await publishQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).reduce((sum, count) => sum + count, 0);
    quiet = after && pending === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  }, 60_000);
  await publishQueue.close();
  const articlesQueue = new Queue('articles', { connection: client, prefix });
  await until('the consumer to drain the events', async () => {
    const counts = await articlesQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((count) => count === 0);
  }, 30_000);
  const pending = await articlesQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  for (const [state, count] of Object.entries(pending)) if (count > 0) stuck.push(`${count} article events ${state}`);

  // The store against the ground truth.
  const jobs = await articleJobs(client, prefix);
  const stored = await readStoredArticles(client, keys, jobs);
  const byUrl = new Map<string, number>();
  for (const entry of stored) if (entry.article?.url) byUrl.set(entry.article.url, (byUrl.get(entry.article.url) ?? 0) + 1);
  const lost = farm.stories.filter((story) => !byUrl.has(story.url)).length;
  const storedTwice = [...byUrl.values()].filter((count) => count > 1).length;
  const titles = new Map(stored.map((entry) => [entry.article?.url, entry.article?.title]));
  const staleText = farm.stories.filter((story) => byUrl.has(story.url) && titles.get(story.url) !== story.title).length;

  // Every version has its event, and no event names a version the store does not have.
  const versions = new Map(stored.map((entry) => [entry.id, entry.version]));
  const seen = new Set<string>();
  let eventsDoubled = 0;
  for (const job of jobs) {
    const event = parseOutboxMember(job.id ?? '');
    if (!event || seen.has(job.id ?? '') || (versions.get(event.articleId) ?? 0) < event.version) eventsDoubled += 1;
    seen.add(job.id ?? '');
  }
  let eventsMissing = 0;
  for (const [id, version] of versions) for (let v = 1; v <= version; v += 1) if (!seen.has(`${id}-v${v}`)) eventsMissing += 1;
  const deliveredTwice = [...deliveries.values()].filter((count) => count > 1).length;

  // The published window: the newest maxItems stories by date.
  const published = JSON.parse(await readFile(join(outputDir, 'feed.json'), 'utf8')) as { items: Array<{ url: string }> };
  const newest = [...farm.stories].sort((a, b) => b.publishedAt - a.publishedAt).slice(0, MAX_ITEMS).map((story) => story.url);
  const feedIsNewest = JSON.stringify(published.items.map((item) => item.url)) === JSON.stringify(newest);

  await scheduler.stop();
  for (const worker of workers) await worker.stop();
  await consumer.close();
  await pollQueue.close();
  await articlesQueue.close();
  client.disconnect();
  await new Promise((resolve) => server.close(resolve));
  return {
    seconds,
    workerKills: workers.reduce((sum, worker) => sum + worker.kills, 0),
    schedulerKills: scheduler.kills,
    redisRestarts,
    stories: farm.stories.length,
    articles: stored.length,
    lost,
    storedTwice,
    staleText,
    events: jobs.length,
    eventsMissing,
    eventsDoubled,
    deliveredTwice,
    stuck,
    feedIsNewest,
    peakWorkerBytes: Math.max(scheduler.peakBytes, ...workers.map((worker) => worker.peakBytes)),
  };
}
