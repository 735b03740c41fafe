/**
 * Published documents kept in Redis, so every `feedagg start` instance on any machine serves
 * the current feed, whichever instance published it. One hash per document.
 */
import type { RedisClient as Redis } from './redis-client.js';
import type { StoreKeys } from './keys.js';

export interface StoredDocument {
  /** URL path, e.g. `/feed.xml` or `/tech/atom.xml`. */
  path: string;
  body: string;
  contentType: string;
  etag: string;
  /** HTTP date of the last change. */
  modified: string;
}

function documentKey(keys: StoreKeys, path: string): string {
  return `${keys.outputs}:${path}`;
}

/** Store a document unless the stored one has the same ETag; true when it changed. */
export async function saveDocument(redis: Redis, keys: StoreKeys, document: StoredDocument): Promise<boolean> {
  const key = documentKey(keys, document.path);
  if ((await redis.hget(key, 'etag')) === document.etag) return false;
  await redis.hset(key, { body: document.body, contentType: document.contentType, etag: document.etag, modified: document.modified });
  return true;
}

export async function documentEtag(redis: Redis, keys: StoreKeys, path: string): Promise<string | null> {
  return redis.hget(documentKey(keys, path), 'etag');
}

export async function loadDocument(redis: Redis, keys: StoreKeys, path: string): Promise<StoredDocument | null> {
  const hash = await redis.hgetall(documentKey(keys, path));
  if (!hash.body || !hash.etag) return null;
  return { path, body: hash.body, contentType: hash.contentType ?? 'application/octet-stream', etag: hash.etag, modified: hash.modified ?? new Date(0).toUTCString() };
}

export async function recordPublish(redis: Redis, keys: StoreKeys, at: Date): Promise<void> {
  await redis.set(`${keys.outputs}:last-publish`, at.toISOString());
}

export async function lastPublish(redis: Redis, keys: StoreKeys): Promise<string | null> {
  return redis.get(`${keys.outputs}:last-publish`);
}
