/** Per-source state between polls: one hash per source (what `feedagg sources` shows). */
import type { Redis } from 'ioredis';
import type { SourceError, SourceState, SourceStatus } from '../model/source-state.js';
import type { StoreKeys } from './keys.js';

/** What a poll changes; absent fields keep their stored value. */
export interface SourceStateUpdate {
  state?: SourceStatus;
  effectiveUrl?: string | null;
  lastPollAt?: string;
  lastStatus?: number | null;
  lastError?: SourceError | null;
  nextPollAt?: string | null;
  consecutiveFailures?: number;
  etag?: string | null;
  lastModified?: string | null;
  bodyHash?: string | null;
  itemsSeenDelta?: number;
}

const STATUSES = new Set<SourceStatus>(['active', 'failing', 'gone', 'disabled']);

function nullable(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function parseError(value: string | undefined): SourceError | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as { code?: unknown; message?: unknown };
    return typeof parsed.code === 'string' && typeof parsed.message === 'string' ? { code: parsed.code, message: parsed.message } : null;
  } catch {
    return null;
  }
}

export interface StoredSourceState extends SourceState {
  bodyHash: string | null;
}

export function decodeSourceState(id: string, hash: Record<string, string>): StoredSourceState {
  const state = hash.state as SourceStatus | undefined;
  return {
    id,
    state: state && STATUSES.has(state) ? state : 'active',
    effectiveUrl: nullable(hash.effectiveUrl),
    lastPollAt: nullable(hash.lastPollAt),
    lastStatus: hash.lastStatus ? Number(hash.lastStatus) : null,
    lastError: parseError(hash.lastError),
    nextPollAt: nullable(hash.nextPollAt),
    consecutiveFailures: Number(hash.consecutiveFailures ?? 0),
    etag: nullable(hash.etag),
    lastModified: nullable(hash.lastModified),
    itemsSeen: Number(hash.itemsSeen ?? 0),
    bodyHash: nullable(hash.bodyHash),
  };
}

export async function readSourceState(redis: Redis, keys: StoreKeys, id: string): Promise<StoredSourceState> {
  return decodeSourceState(id, await redis.hgetall(keys.source(id)));
}

export async function readSourceStates(redis: Redis, keys: StoreKeys, ids: string[]): Promise<StoredSourceState[]> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(keys.source(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((id, index) => decodeSourceState(id, (replies[index]?.[1] as Record<string, string> | undefined) ?? {}));
}

export async function writeSourceState(redis: Redis, keys: StoreKeys, id: string, update: SourceStateUpdate): Promise<void> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(update)) {
    if (name === 'itemsSeenDelta' || value === undefined) continue;
    fields[name] = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const pipeline = redis.multi();
  if (Object.keys(fields).length > 0) pipeline.hset(keys.source(id), fields);
  if (update.itemsSeenDelta) pipeline.hincrby(keys.source(id), 'itemsSeen', update.itemsSeenDelta);
  await pipeline.exec();
}
