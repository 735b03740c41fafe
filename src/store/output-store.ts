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
  /** The body compressed at publish (compress-document.ts); absent for documents stored before. */
  gzip?: Buffer | null;
  br?: Buffer | null;
}

function documentKey(keys: StoreKeys, path: string): string {
  return `${keys.outputs}:${path}`;
}

/** Store a document (with its compressed variants); the ETag is written last in one HSET, so readers never mix versions. */
export async function saveDocument(redis: Redis, keys: StoreKeys, document: StoredDocument): Promise<void> {
  const key = documentKey(keys, document.path);
  const fields: Record<string, string | Buffer> = { body: document.body, contentType: document.contentType, etag: document.etag, modified: document.modified };
  if (document.gzip) fields.gzip = document.gzip;
  if (document.br) fields.br = document.br;
  await redis.multi().del(key).hset(key, fields).exec();
}

export async function documentEtag(redis: Redis, keys: StoreKeys, path: string): Promise<string | null> {
  return redis.hget(documentKey(keys, path), 'etag');
}

export interface LoadedDocument {
  path: string;
  body: Buffer;
  contentType: string;
  etag: string;
  modified: string;
  gzip: Buffer | null;
  br: Buffer | null;
}

export async function loadDocument(redis: Redis, keys: StoreKeys, path: string): Promise<LoadedDocument | null> {
  const hash = await redis.hgetallBuffer(documentKey(keys, path));
  if (!hash.body || !hash.etag) return null;
  return {
    path,
    body: hash.body,
    contentType: hash.contentType?.toString('utf8') ?? 'application/octet-stream',
    etag: hash.etag.toString('utf8'),
    modified: hash.modified?.toString('utf8') ?? new Date(0).toUTCString(),
    gzip: hash.gzip ?? null,
    br: hash.br ?? null,
  };
}

/** A good publish: its time, and the last failure forgotten. */
export async function recordPublish(redis: Redis, keys: StoreKeys, at: Date): Promise<void> {
  await redis.multi().set(`${keys.outputs}:last-publish`, at.toISOString()).del(`${keys.outputs}:publish-error`).exec();
}

export interface PublishFailure {
  at: string;
  message: string;
}

/** A failed publish, for /readyz of every process until the next good one (best effort: a full Redis refuses it). */
export async function recordPublishFailure(redis: Redis, keys: StoreKeys, failure: PublishFailure): Promise<void> {
  await redis.set(`${keys.outputs}:publish-error`, JSON.stringify(failure));
}

export async function publishFailure(redis: Redis, keys: StoreKeys): Promise<PublishFailure | null> {
  const json = await redis.get(`${keys.outputs}:publish-error`);
  if (!json) return null;
  try {
    return JSON.parse(json) as PublishFailure;
  } catch {
    return null;
  }
}

export async function lastPublish(redis: Redis, keys: StoreKeys): Promise<string | null> {
  return redis.get(`${keys.outputs}:last-publish`);
}
