/**
 * What the store holds, for the fault suite's checks. Only the published windows keep their
 * bodies (working-set publishing, docs/performance.md), so an article out of the window is
 * known by its meta alone; its text is then the one its newest event carried downstream,
 * which is what a consumer holds. An article with neither is still counted as stored.
 */
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Article } from '../../src/model/article.js';
import type { StoreKeys } from '../../src/store/keys.js';
import { Store } from '../../src/store/store.js';

export interface StoredView {
  id: string;
  version: number;
  sourceId: string;
  /** From the body when the article is in a window, else from its newest event; null when neither is left. */
  article: Article | null;
}

interface EventData {
  version?: number;
  article?: Article;
}

/** The articles queue's jobs in every state: the events delivered or waiting. */
export async function articleJobs(client: Redis, prefix: string): Promise<Job[]> {
  const queue = new Queue('articles', { connection: client, prefix });
  try {
    return await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed', 'prioritized']);
  } finally {
    await queue.close();
  }
}

/** Every stored article (by meta), with its newest text; `jobs` are the articles queue's (articleJobs). */
export async function readStoredArticles(client: Redis, keys: StoreKeys, jobs: Job[]): Promise<StoredView[]> {
  const ids = await client.zrange(keys.articlesByTime, 0, -1);
  const metas = await new Store(client, keys).articles.readMetas(ids);
  const withBody = new Map((await new Store(client, keys).articles.readArticles(ids)).map((entry) => [entry.article.id, entry.article]));
  const newest = new Map<string, { version: number; article: Article }>();
  for (const job of jobs) {
    const data = job.data as EventData;
    if (!data.article || typeof data.version !== 'number') continue;
    const known = newest.get(data.article.id);
    if (!known || known.version < data.version) newest.set(data.article.id, { version: data.version, article: data.article });
  }
  return ids.flatMap((id) => {
    const meta = metas.get(id);
    if (!meta) return [];
    return [{ id, version: meta.version, sourceId: meta.firstSource, article: withBody.get(id) ?? newest.get(id)?.article ?? null }];
  });
}
