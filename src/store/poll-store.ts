/**
 * The start and the end of a poll, one round trip each (scripts/poll-begin.lua and
 * scripts/poll-finish.lua): state, decision and host slot; then state and next poll time.
 */
import { OUTCOME_HISTORY, type OutcomeRecord, type SourceState } from '../model/source-state.js';
import { pollUrl } from '../schedule/source-transition.js';
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { RedisClient } from './redis-client.js';
import { decodeSourceState, encodeFields } from './source-state-store.js';

const beginScript = LuaScript.load('poll-begin');
const finishScript = LuaScript.load('poll-finish');

export interface SlotLimits {
  concurrency: number;
  intervalMs: number;
  /** Longest a request can hold its slot; a crashed worker's slot frees itself then. */
  leaseMs: number;
}

export type PollStart =
  | { status: 'disabled' | 'gone'; state: SourceState }
  | { status: 'hold'; state: SourceState; until: number }
  | { status: 'wait'; state: SourceState; waitMs: number }
  | { status: 'go'; state: SourceState; url: string; host: string };

function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

function flatToRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) out[flat[index] as string] = flat[index + 1] as string;
  return out;
}

/**
 * Read the state, decide, and take a slot on the host the poll goes to. `token` names the slot
 * (release it with releaseSlot once the response is read).
 */
export async function beginPoll(redis: RedisClient, keys: StoreKeys, source: { id: string; url: string; enabled: boolean }, limits: SlotLimits, token: string): Promise<PollStart> {
  let host = hostOf(source.url);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const [status, flat, detail] = (await beginScript.run(redis,
      [keys.source(source.id), keys.host(host, 'inflight'), keys.host(host, 'last'), keys.host(host, 'retry-after')],
      [host, source.enabled ? 1 : 0, source.url, limits.concurrency, limits.intervalMs, limits.leaseMs, token],
    )) as [string, string[], string];
    const state = decodeSourceState(source.id, flatToRecord(flat));
    if (status === 'rehost') {
      host = detail;
      continue;
    }
    if (status === 'disabled' || status === 'gone') return { status, state };
    if (status === 'hold') return { status, state, until: Number(detail) };
    if (status === 'wait') return { status, state, waitMs: Number(detail) };
    return { status: 'go', state, url: pollUrl(source.url, state), host };
  }
  throw new Error(`source "${source.id}": its polled host changed twice while the poll began`);
}

/** Give a slot back (no one waits for the answer: a lost release frees itself at the lease). */
export function releaseSlot(redis: RedisClient, keys: StoreKeys, host: string, token: string): void {
  redis.zrem(keys.host(host, 'inflight'), token).catch(() => undefined);
}

/**
 * Store the source's new state and its next poll time ('+inf' parks a gone source). A source
 * redefined after `definitionsVersion` (the version the poll used) is due again at once.
 */
export async function finishPoll(redis: RedisClient, keys: StoreKeys, previous: SourceState, state: SourceState, nextPoll: number | '+inf', definitionsVersion: number, record: OutcomeRecord): Promise<void> {
  // Only what changed: a 304 changes three or four fields of twenty.
  const before = encodeFields(previous);
  const fields = Object.entries(encodeFields(state)).filter(([name, value]) => before[name] !== value).flat();
  const keyList = [keys.source(state.id), keys.schedule, keys.redefinedSources, keys.claims, keys.claimJobs, keys.outcomes(state.id)];
  await finishScript.run(redis, keyList, [state.id, String(nextPoll), definitionsVersion, JSON.stringify(record), OUTCOME_HISTORY, ...fields]);
}
