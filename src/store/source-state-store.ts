/** Per-source state between polls: one hash per source (what `feedagg sources` shows, and more). */
import { OUTCOME_HISTORY, type OutcomeRecord, type PendingRedirect, type RedirectRecord, type SourceError, type SourceState, type SourceStatus } from '../model/source-state.js';
import { initialSourceState } from '../schedule/source-transition.js';
import { StorePart } from './store-part.js';

/** Fields a state written before the one-type refactor may still hold; read once, then removed. */
const LEGACY_FIELDS = ['redirectTarget', 'redirectSeen', 'redirectFirstSeenAt'];
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

function parsePending(hash: Record<string, string>): PendingRedirect | null {
  const parsed = json<Partial<PendingRedirect> | null>(hash.pendingRedirect, null);
  if (parsed && typeof parsed.target === 'string' && typeof parsed.seen === 'number' && typeof parsed.firstSeenAt === 'string') {
    return { target: parsed.target, seen: parsed.seen, firstSeenAt: parsed.firstSeenAt };
  }
  const target = text(hash.redirectTarget);
  const firstSeenAt = text(hash.redirectFirstSeenAt);
  return target && firstSeenAt ? { target, seen: Number(hash.redirectSeen ?? 1), firstSeenAt } : null;
}

export function decodeSourceState(id: string, hash: Record<string, string>): SourceState {
  const state = hash.state as SourceStatus | undefined;
  return {
    ...initialSourceState(id),
    state: state && STATUSES.has(state) ? state : 'active',
    configUrl: text(hash.configUrl),
    effectiveUrl: text(hash.effectiveUrl),
    lastPollAt: text(hash.lastPollAt),
    lastStatus: hash.lastStatus ? Number(hash.lastStatus) : null,
    lastError: parseError(hash.lastError),
    consecutiveFailures: Number(hash.consecutiveFailures ?? 0),
    firstFailureAt: text(hash.firstFailureAt),
    pendingRedirect: parsePending(hash),
    redirectHistory: json<RedirectRecord[]>(hash.redirectHistory, []),
    etag: text(hash.etag),
    lastModified: text(hash.lastModified),
    bodyHash: text(hash.bodyHash),
    itemsSeen: Number(hash.itemsSeen ?? 0),
    lastSuccessAt: text(hash.lastSuccessAt),
  };
}

/** The lower-case host name of a URL, or '' (the key of a host's politeness state). */
export function hostOf(url: string | null | undefined): string {
  try {
    return url ? new URL(url).hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

export function encodeFields(update: Partial<SourceState>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(update)) {
    if (name === 'id' || value === undefined) continue;
    fields[name] = value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  // The host of the URL polled, for poll-begin-batch.lua (the host whose owner and hold apply).
  if ('effectiveUrl' in update) fields.effectiveHost = hostOf(update.effectiveUrl);
  return fields;
}

/**
 * The field of a source's state hash that holds its last polls (a JSON array, newest first, at
 * most OUTCOME_HISTORY). In the state hash since issue 17: the begin of a poll reads it with the
 * state and its end writes it with the state, so it costs no command of its own (a list cost
 * an LPUSH and an LTRIM per poll).
 */
export const HISTORY_FIELD = 'outcomes';

export function parseHistory(raw: string | null | undefined): OutcomeRecord[] {
  return json<unknown[]>(raw ?? '[]', []).flatMap((record) => (record && typeof record === 'object' && typeof (record as OutcomeRecord).at === 'string' ? [record as OutcomeRecord] : []));
}

/** The history after `record`: newest first, capped. */
export function historyWith(raw: string | null | undefined, record: OutcomeRecord): string {
  return JSON.stringify([record, ...parseHistory(raw)].slice(0, OUTCOME_HISTORY));
}

/** SourceStateStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class SourceStateStore extends StorePart {
  /** The last polls of each source, newest first. */
  async readOutcomes(ids: string[]): Promise<OutcomeRecord[][]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.source(id), HISTORY_FIELD);
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((_, index) => parseHistory(replies[index]?.[1] as string | null | undefined));
  }

  async readSourceState(id: string): Promise<SourceState> {
    return decodeSourceState(id, await this.redis.hgetall(this.keys.source(id)));
  }

  async readSourceStates(ids: string[]): Promise<SourceState[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.source(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.map((id, index) => decodeSourceState(id, (replies[index]?.[1] as Record<string, string> | undefined) ?? {}));
  }

  /** Store a whole state, as a poll leaves it. */
  async writeSourceState(state: SourceState): Promise<void> {
    await this.redis.multi().hset(this.keys.source(state.id), encodeFields(state)).hdel(this.keys.source(state.id), ...LEGACY_FIELDS).exec();
  }

  /** Change some fields only (an operator's refresh, a source disabled in the config). */
  async updateSourceState(id: string, update: Partial<Omit<SourceState, 'id'>>): Promise<void> {
    const fields = encodeFields(update);
    if (Object.keys(fields).length > 0) await this.redis.hset(this.keys.source(id), fields);
  }
}
