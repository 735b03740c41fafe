/** Stored articles: one hash per article, a time index, provenance, LSH bands and the event outbox. */
import type { Redis } from 'ioredis';
import { changeFingerprint, LONGER_FACTOR, LONGER_MARGIN } from '../dedupe/change-rule.js';
import { hashText, type IdentifiedEntry } from '../dedupe/identity.js';
import { fingerprint, SIMILARITY_THRESHOLD } from '../dedupe/minhash.js';
import { bodyText } from '../dedupe/text-features.js';
import type { Article, ArticleSource } from '../model/article.js';
import { ACCEPT_ENTRIES_LUA } from './accept-entries-script.js';
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';

const acceptScript = new LuaScript(ACCEPT_ENTRIES_LUA);

export type AcceptDecision = 'created' | 'merged' | 'updated' | 'known';

export interface AcceptResult {
  decision: AcceptDecision;
  articleId: string;
  /** `<id>-v<version>` queued in the outbox, or '' when nothing changed. */
  event: string;
}

export interface StoredArticle {
  article: Article;
  version: number;
  /** The source whose copy supplies the title, text and URL. */
  canonicalSourceId: string;
}

export interface AcceptSettings {
  retentionMs: number;
  windowMs: number;
}

/** Entries per script call: bounds the time one call holds Redis. */
const BATCH_SIZE = 200;

function sortKey(article: Article, now: Date): number {
  const published = article.publishedAt ? Date.parse(article.publishedAt) : Number.NaN;
  return Number.isFinite(published) ? published : now.getTime();
}

function entryArgs(entry: IdentifiedEntry, now: Date): Array<string | number> {
  const { id: _id, sourceId: _sourceId, sources: _sources, ...body } = entry.article;
  const text = bodyText(body);
  const print = fingerprint(text);
  return [
    hashText(entry.entryKey),
    entry.storyKeys[0] ? hashText(entry.storyKeys[0]) : '',
    entry.storyKeys[1] ? hashText(entry.storyKeys[1]) : '',
    entry.article.id,
    entry.altId,
    JSON.stringify(body),
    sortKey(entry.article, now),
    entry.article.url ?? '',
    changeFingerprint(body),
    text.length,
    print?.signature ?? '',
    print?.bands.join(',') ?? '',
  ];
}

/** Record a poll's entries; one script call per batch of 200 entries. */
export async function acceptEntries(redis: Redis, keys: StoreKeys, sourceId: string, entries: IdentifiedEntry[], settings: AcceptSettings, now: Date): Promise<AcceptResult[]> {
  const results: AcceptResult[] = [];
  const ttl = Math.max(1, Math.ceil(settings.retentionMs / 1000));
  for (let start = 0; start < entries.length; start += BATCH_SIZE) {
    const args: Array<string | number> = [keys.root, sourceId, ttl, now.toISOString(), now.getTime(), settings.windowMs, SIMILARITY_THRESHOLD, LONGER_FACTOR, LONGER_MARGIN];
    for (const entry of entries.slice(start, start + BATCH_SIZE)) args.push(...entryArgs(entry, now));
    const reply = (await acceptScript.run(redis, [], args)) as string[];
    for (let index = 0; index < reply.length; index += 3) {
      results.push({ decision: reply[index] as AcceptDecision, articleId: reply[index + 1] ?? '', event: reply[index + 2] ?? '' });
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
    pipeline.hmget(keys.article(id), 'body', 'version', 'sourceId', 'canonical');
    pipeline.hgetall(keys.provenance(id));
  }
  const replies = (await pipeline.exec()) ?? [];
  const out: StoredArticle[] = [];
  ids.forEach((id, index) => {
    const [json, version, sourceId, canonical] = (replies[index * 2]?.[1] as Array<string | null> | undefined) ?? [];
    if (!json || !sourceId) return;
    const body = JSON.parse(json) as Omit<Article, 'id' | 'sourceId' | 'sources'>;
    const sources = decodeProvenance((replies[index * 2 + 1]?.[1] as Record<string, string> | undefined) ?? {});
    out.push({ article: { id, sourceId, sources, ...body }, version: Number(version ?? 1), canonicalSourceId: canonical ?? sourceId });
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
