/**
 * Published documents kept in Redis, so every `feedagg start` instance on any machine serves
 * the current feed, whichever instance published it. One hash per document.
 */
import type { RedisClient as Redis } from '../redis/client.js';
import type { StoreKeys } from './keys.js';
import { StorePart } from './store-part.js';

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

export interface LoadedDocument {
  path: string;
  body: Buffer;
  contentType: string;
  etag: string;
  modified: string;
  gzip: Buffer | null;
  br: Buffer | null;
}

export interface PublishFailure {
  at: string;
  message: string;
}

/** OutputStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class OutputStore extends StorePart {
  /** Store a document (with its compressed variants); the ETag is written last in one HSET, so readers never mix versions. */
  async saveDocument(document: StoredDocument): Promise<void> {
    const key = documentKey(this.keys, document.path);
    const fields: Record<string, string | Buffer> = { body: document.body, contentType: document.contentType, etag: document.etag, modified: document.modified };
    if (document.gzip) fields.gzip = document.gzip;
    if (document.br) fields.br = document.br;
    await this.redis.multi().del(key).hset(key, fields).exec();
  }

  async documentEtag(path: string): Promise<string | null> {
    return this.redis.hget(documentKey(this.keys, path), 'etag');
  }

  async loadDocument(path: string): Promise<LoadedDocument | null> {
    const hash = await this.redis.hgetallBuffer(documentKey(this.keys, path));
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
  async recordPublish(at: Date): Promise<void> {
    await this.redis.multi().set(`${this.keys.outputs}:last-publish`, at.toISOString()).del(`${this.keys.outputs}:publish-error`).exec();
  }

  /** A failed publish, for /readyz of every process until the next good one (best effort: a full Redis refuses it). */
  async recordPublishFailure(failure: PublishFailure): Promise<void> {
    await this.redis.set(`${this.keys.outputs}:publish-error`, JSON.stringify(failure));
  }

  async publishFailure(): Promise<PublishFailure | null> {
    const json = await this.redis.get(`${this.keys.outputs}:publish-error`);
    if (!json) return null;
    try {
      return JSON.parse(json) as PublishFailure;
    } catch {
      return null;
    }
  }

  async lastPublish(): Promise<string | null> {
    return this.redis.get(`${this.keys.outputs}:last-publish`);
  }
}
