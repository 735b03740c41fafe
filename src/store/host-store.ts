/**
 * Per-host politeness shared by every worker on every machine: at most `concurrency` requests
 * in flight to one host, request starts at least `intervalMs` apart, and no request before a
 * host's Retry-After time. Times come from Redis (TIME), so machine clocks need not agree.
 * The first request of a poll takes its slot in poll-begin.lua; these are for redirect hops to
 * other hosts, and for the Retry-After hold.
 */
import { randomUUID } from 'node:crypto';
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { SlotLimits } from './poll-store.js';
import type { RedisClient } from './redis-client.js';

const slotScript = LuaScript.load('host-slot');
const holdScript = LuaScript.load('host-hold');

/** Wait for a slot for `host`; resolves to the function that gives it back. */
export async function acquireHostSlot(redis: RedisClient, keys: StoreKeys, host: string, limits: SlotLimits): Promise<() => Promise<void>> {
  const token = randomUUID();
  for (;;) {
    const wait = Number(await slotScript.run(redis, [keys.host(host, 'inflight'), keys.host(host, 'last')], [limits.concurrency, limits.intervalMs, limits.leaseMs, token]));
    if (wait <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return async () => {
    await redis.zrem(keys.host(host, 'inflight'), token);
  };
}

/** Remember a host's Retry-After (epoch ms): no worker sends it a request before then. */
export async function holdHost(redis: RedisClient, keys: StoreKeys, host: string, until: number, now: number): Promise<boolean> {
  return Number(await holdScript.run(redis, [keys.host(host, 'retry-after')], [until, now])) === 1;
}

/** Until when a host asked to be left alone (epoch ms), or null. */
export async function hostHold(redis: RedisClient, keys: StoreKeys, host: string, now: number): Promise<number | null> {
  const until = Number((await redis.get(keys.host(host, 'retry-after'))) ?? 0);
  return until > now ? until : null;
}

/** The holds on these hosts that are still on (host → until, epoch ms), in one round trip. */
export async function hostHolds(redis: RedisClient, keys: StoreKeys, hosts: string[], now: number): Promise<Map<string, number>> {
  const holds = new Map<string, number>();
  const named = hosts.filter(Boolean);
  if (named.length === 0) return holds;
  for (let start = 0; start < named.length; start += 1000) {
    const batch = named.slice(start, start + 1000);
    const values = await redis.mget(...batch.map((host) => keys.host(host, 'retry-after')));
    batch.forEach((host, index) => {
      const until = Number(values[index] ?? 0);
      if (until > now) holds.set(host, until);
    });
  }
  return holds;
}

/** Lift a host's hold (an operator's `refresh` of a source on that host). */
export async function releaseHost(redis: RedisClient, keys: StoreKeys, host: string): Promise<boolean> {
  return (await redis.del(keys.host(host, 'retry-after'))) > 0;
}
