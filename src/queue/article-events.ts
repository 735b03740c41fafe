/**
 * Hand pending article events to the downstream `articles` queue. Job id
 * `<articleId>-v<version>` makes a repeated add a no-op, so a retried poll never delivers twice.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArticleEvent, ArticleEventType } from '../model/article-event.js';
import { readArticles } from '../store/article-store.js';
import type { StoreKeys } from '../store/keys.js';
import { clearEvents, parseOutboxMember, type PendingEvent } from '../store/outbox-store.js';

export interface EventSettings {
  enabled: boolean;
  keepCompleted: number;
  /** Milliseconds. */
  keepAge: number;
}

export function eventType(version: number): ArticleEventType {
  return version <= 1 ? 'article.created' : 'article.updated';
}

/** Events per queue call: one call's articles and jobs are in memory at once. */
const CHUNK = 100;

/** Add the events named by outbox members; returns how many were handed over. */
export async function deliverEvents(redis: Redis, keys: StoreKeys, queue: Queue<ArticleEvent, unknown, ArticleEventType>, members: string[], settings: EventSettings, now: Date): Promise<number> {
  let delivered = 0;
  for (let start = 0; start < members.length; start += CHUNK) {
    delivered += await deliverChunk(redis, keys, queue, members.slice(start, start + CHUNK), settings, now);
  }
  return delivered;
}

async function deliverChunk(redis: Redis, keys: StoreKeys, queue: Queue<ArticleEvent, unknown, ArticleEventType>, members: string[], settings: EventSettings, now: Date): Promise<number> {
  const pending = members.map(parseOutboxMember).filter((event): event is PendingEvent => event !== null);
  if (!settings.enabled || pending.length === 0) {
    await clearEvents(redis, keys, members);
    return 0;
  }
  const stored = new Map((await readArticles(redis, keys, [...new Set(pending.map((event) => event.articleId))])).map((entry) => [entry.article.id, entry]));
  const jobs = pending.flatMap((event) => {
    const entry = stored.get(event.articleId);
    if (!entry) return [];
    const type = eventType(event.version);
    const data: ArticleEvent = { v: 1, type, version: event.version, article: entry.article, at: now.toISOString() };
    return [{
      name: type,
      data,
      opts: {
        jobId: event.member,
        removeOnComplete: { count: settings.keepCompleted, age: Math.ceil(settings.keepAge / 1000) },
        removeOnFail: { count: settings.keepCompleted, age: Math.ceil(settings.keepAge / 1000) },
      },
    }];
  });
  if (jobs.length > 0) await queue.addBulk(jobs);
  await clearEvents(redis, keys, members);
  return jobs.length;
}
