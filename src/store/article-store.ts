/** Stored articles: one hash per article, a time index, provenance, and the event outbox. */
import type { Redis } from 'ioredis';
import type { IdentifiedEntry } from '../dedupe/identity.js';
import { hashText } from '../dedupe/identity.js';
import type { Article, ArticleSource } from '../model/article.js';
import type { StoreKeys } from './keys.js';
import { ACCEPT_ENTRIES_LUA } from './accept-entries-script.js';
import { LuaScript } from './lua-script.js';

const acceptScript = new LuaScript(ACCEPT_ENTRIES_LUA);

export type AcceptDecision = 'created' | 'merged' | 'known';

export interface AcceptResult {
  decision: AcceptDecision;
  articleId: string;
}

export interface StoredArticle {
  article: Article;
  version: number;
}

/** Entries per script call: bounds the time one call holds Redis. */
const BATCH_SIZE = 200;

function sortKey(article: Article, now: Date): number {
  const published = article.publishedAt ? Date.parse(article.publishedAt) : Number.NaN;
  return Number.isFinite(published) ? published : now.getTime();
}

/** Record a poll's entries; one script call per batch of 200 entries. */
export async function acceptEntries(redis: Redis, keys: StoreKeys, sourceId: string, entries: IdentifiedEntry[], retentionMs: number, now: Date): Promise<AcceptResult[]> {
  const results: AcceptResult[] = [];
  const ttl = Math.max(1, Math.ceil(retentionMs / 1000));
  for (let start = 0; start < entries.length; start += BATCH_SIZE) {
    const args: Array<string | number> = [keys.root, sourceId, ttl, now.toISOString()];
    for (const entry of entries.slice(start, start + BATCH_SIZE)) {
      const { sources: _sources, ...body } = entry.article;
      args.push(hashText(entry.entryKey), entry.storyKey ? hashText(entry.storyKey) : '', entry.article.id, JSON.stringify(body), sortKey(entry.article, now), entry.article.url ?? '');
    }
    const reply = (await acceptScript.run(redis, [], args)) as string[];
    for (let index = 0; index < reply.length; index += 2) {
      results.push({ decision: reply[index] as AcceptDecision, articleId: reply[index + 1] ?? '' });
    }
  }
  return results;
}

function decodeProvenance(hash: Record<string, string>): ArticleSource[] {
  const sources = Object.entries(hash).map(([sourceId, json]) => {
    const parsed = JSON.parse(json) as { url?: unknown; seenAt?: unknown };
    return { sourceId, url: typeof parsed.url === 'string' && parsed.url !== '' ? parsed.url : null, seenAt: String(parsed.seenAt ?? '') };
  });
  return sources.sort((a, b) => a.seenAt.localeCompare(b.seenAt) || a.sourceId.localeCompare(b.sourceId));
}

/** Load articles by id (missing ones, e.g. expired, are left out), with their provenance. */
export async function readArticles(redis: Redis, keys: StoreKeys, ids: string[]): Promise<StoredArticle[]> {
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.hmget(keys.article(id), 'json', 'version');
    pipeline.hgetall(`${keys.root}:prov:${id}`);
  }
  const replies = (await pipeline.exec()) ?? [];
  const out: StoredArticle[] = [];
  ids.forEach((id, index) => {
    const [json, version] = (replies[index * 2]?.[1] as Array<string | null> | undefined) ?? [];
    if (!json) return;
    const body = JSON.parse(json) as Omit<Article, 'sources'>;
    const sources = decodeProvenance((replies[index * 2 + 1]?.[1] as Record<string, string> | undefined) ?? {});
    out.push({ article: { ...body, id, sources }, version: Number(version ?? 1) });
  });
  return out;
}

/** Ids of the newest articles by publish (else first-seen) time, no older than `minTime`. */
export async function newestArticleIds(redis: Redis, keys: StoreKeys, limit: number, minTime: number): Promise<string[]> {
  return redis.zrevrangebyscore(keys.articlesByTime, '+inf', minTime, 'LIMIT', 0, limit);
}

/** Drop index entries older than the retention period (their hashes expire by TTL). */
export async function trimArticleIndex(redis: Redis, keys: StoreKeys, olderThan: number): Promise<number> {
  return redis.zremrangebyscore(keys.articlesByTime, '-inf', `(${olderThan}`);
}
