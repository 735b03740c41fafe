/** Per-source state between polls: one hash per source (what `feedagg sources` shows, and more). */
import type { Redis } from 'ioredis';
import type { SourceError, SourceState, SourceStatus } from '../model/source-state.js';
import type { RedirectRecord } from '../schedule/source-transition.js';
import type { StoreKeys } from './keys.js';

/** The next poll time is not here: the schedule sorted set holds it (schedule-store.ts). */
export interface StoredSourceState extends Omit<SourceState, 'nextPollAt'> {
  /** The configured URL the stored state belongs to; a changed config URL resets redirects. */
  configUrl: string | null;
  firstFailureAt: string | null;
  redirectTarget: string | null;
  redirectSeen: number;
  redirectFirstSeenAt: string | null;
  redirectHistory: RedirectRecord[];
  /** SHA-256 of the last 200 body, to skip parsing identical bytes. */
  bodyHash: string | null;
}

/** What a poll changes; absent fields keep their stored value. */
export type SourceStateUpdate = Partial<Omit<StoredSourceState, 'id' | 'itemsSeen'>> & { itemsSeenDelta?: number };

const STATUSES = new Set<SourceStatus>(['active', 'failing', 'gone', 'disabled']);

function text(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function json<T>(value: string | undefined, fallback: T): T {
  if (!value) return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

function parseError(value: string | undefined): SourceError | null {
  const parsed = json<{ code?: unknown; message?: unknown } | null>(value, null);
  return parsed && typeof parsed.code === 'string' && typeof parsed.message === 'string' ? { code: parsed.code, message: parsed.message } : null;
}

export function decodeSourceState(id: string, hash: Record<string, string>): StoredSourceState {
  const state = hash.state as SourceStatus | undefined;
  return {
    id,
    state: state && STATUSES.has(state) ? state : 'active',
    effectiveUrl: text(hash.effectiveUrl),
    lastPollAt: text(hash.lastPollAt),
    lastStatus: hash.lastStatus ? Number(hash.lastStatus) : null,
    lastError: parseError(hash.lastError),
    consecutiveFailures: Number(hash.consecutiveFailures ?? 0),
    etag: text(hash.etag),
    lastModified: text(hash.lastModified),
    itemsSeen: Number(hash.itemsSeen ?? 0),
    configUrl: text(hash.configUrl),
    firstFailureAt: text(hash.firstFailureAt),
    redirectTarget: text(hash.redirectTarget),
    redirectSeen: Number(hash.redirectSeen ?? 0),
    redirectFirstSeenAt: text(hash.redirectFirstSeenAt),
    redirectHistory: json<RedirectRecord[]>(hash.redirectHistory, []),
    bodyHash: text(hash.bodyHash),
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
