/**
 * A host's Retry-After, shared by every worker on every machine: no request before the time the
 * host named. Holds live in one hash (host → until, epoch ms) that poll-begin-batch.lua reads
 * once per batch. The per-host gate itself (one owner process per host) is in poll-store.ts.
 */
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { RedisClient } from './redis-client.js';

const holdScript = LuaScript.load('host-hold');

/** Remember a host's Retry-After (epoch ms), keeping the later of two: no worker sends it a request before then. */
export async function holdHost(redis: RedisClient, keys: StoreKeys, host: string, until: number): Promise<boolean> {
  return Number(await holdScript.run(redis, [keys.hostHolds], [host.toLowerCase(), until])) === 1;
}

/** Until when a host asked to be left alone (epoch ms), or null. */
export async function hostHold(redis: RedisClient, keys: StoreKeys, host: string, now: number): Promise<number | null> {
  const until = Number((await redis.hget(keys.hostHolds, host.toLowerCase())) ?? 0);
  return until > now ? until : null;
}

/** The holds on these hosts that are still on (host → until, epoch ms), in one round trip. */
export async function hostHolds(redis: RedisClient, keys: StoreKeys, hosts: string[], now: number): Promise<Map<string, number>> {
  const holds = new Map<string, number>();
  const named = hosts.filter(Boolean);
  if (named.length === 0) return holds;
  const values = await redis.hmget(keys.hostHolds, ...named.map((host) => host.toLowerCase()));
  named.forEach((host, index) => {
    const until = Number(values[index] ?? 0);
    if (until > now) holds.set(host, until);
  });
  return holds;
}

/** Lift a host's hold (an operator's `refresh` of a source on that host). */
export async function releaseHost(redis: RedisClient, keys: StoreKeys, host: string): Promise<boolean> {
  return (await redis.hdel(keys.hostHolds, host.toLowerCase())) > 0;
}
