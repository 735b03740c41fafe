/**
 * Published documents in memory, fetched from Redis again only when their ETag there changed.
 * The request path never waits on Redis for long: while Redis is away (or slow), the last
 * known version is served, and a Redis call that takes longer than `waitMs` is not waited for.
 * A document this process never served is read from the file the publish wrote (`fromDisk`),
 * so every document answers while Redis is away, not only those served before.
 */
import type { Store } from '../store/store.js';
import { makeDocument, type ServedDocument } from './serve-document.js';

/** Resolves with the promise's value, or with `fallback` after `ms` (the promise goes on alone). */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

const MISSING = Symbol('missing');

export class DocumentCache {
  private readonly documents = new Map<string, ServedDocument>();

  constructor(private readonly store: Store, private readonly waitMs = 250, private readonly fromDisk: (path: string) => Promise<ServedDocument | null> = async () => null) {}

  async get(path: string): Promise<ServedDocument | null> {
    const cached = this.documents.get(path) ?? null;
    // A command sent while ioredis is not connected would wait in its offline queue.
    if (this.store.redis.status !== 'ready') return cached ?? this.fromDisk(path).catch(() => null);
    const etag = await within<string | null | typeof MISSING>(this.store.outputs.documentEtag(path), this.waitMs, MISSING);
    if (etag === MISSING) return cached ?? this.fromDisk(path).catch(() => null);
    if (!etag) return null;
    if (cached?.etag === etag) return cached;
    const stored = await within(this.store.outputs.loadDocument(path), this.waitMs * 4, null);
    if (!stored) return cached;
    const document = makeDocument(stored.body, stored.contentType, new Date(stored.modified), stored.etag, { ...(stored.gzip ? { gzip: stored.gzip } : {}), ...(stored.br ? { br: stored.br } : {}) });
    this.documents.set(path, document);
    return document;
  }
}
