/**
 * Per-host politeness shared by every worker on every machine: at most `concurrency` requests
 * in flight to one host, request starts at least `intervalMs` apart, and no request before a
 * host's Retry-After time. Times come from Redis (TIME), so machine clocks need not agree.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';

// KEYS: in-flight sorted set (member = token, score = lease expiry), last-start key.
// ARGV: concurrency, intervalMs, leaseMs, token. Returns 0 when acquired, else ms to wait.
const acquireScript = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, lease, token = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(20, math.min(250, tonumber(first[2]) - now))
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now - last < interval then return interval - (now - last) end
redis.call('ZADD', KEYS[1], now + lease, token)
redis.call('PEXPIRE', KEYS[1], lease)
redis.call('SET', KEYS[2], now, 'PX', math.max(interval, 1000))
return 0
`);

export interface HostLimits {
  concurrency: number;
  intervalMs: number;
  /** Longest a request can hold its slot (the fetch timeout plus a margin); a crashed worker's slot frees itself then. */
  leaseMs: number;
}

function hostKey(keys: StoreKeys, host: string, part: string): string {
  return `${keys.root}:host:${host.toLowerCase()}:${part}`;
}

/** Wait for a slot for `host`; resolves to the function that gives it back. */
export async function acquireHostSlot(redis: Redis, keys: StoreKeys, host: string, limits: HostLimits): Promise<() => Promise<void>> {
  const token = randomUUID();
  const inflight = hostKey(keys, host, 'inflight');
  for (;;) {
    const wait = Number(await acquireScript.run(redis, [inflight, hostKey(keys, host, 'last')], [limits.concurrency, limits.intervalMs, limits.leaseMs, token]));
    if (wait <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return async () => {
    await redis.zrem(inflight, token);
  };
}

// KEYS: the host's retry-after key. ARGV: until (epoch ms), now (epoch ms).
// Keeps the later of the stored and the new time, atomically: two workers that both see a
// 429 can never leave the earlier time behind. Returns 1 when the new time was stored.
const holdScript = new LuaScript(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs, now = tonumber(ARGV[1]), tonumber(ARGV[2])
if untilMs <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - now))
return 1
`);

/** Remember a host's Retry-After (epoch ms): no worker sends it a request before then. */
export async function holdHost(redis: Redis, keys: StoreKeys, host: string, until: number, now: number): Promise<boolean> {
  return Number(await holdScript.run(redis, [hostKey(keys, host, 'retry-after')], [until, now])) === 1;
}

/** Until when a host asked to be left alone (epoch ms), or null. */
export async function hostHold(redis: Redis, keys: StoreKeys, host: string, now: number): Promise<number | null> {
  const until = Number((await redis.get(hostKey(keys, host, 'retry-after'))) ?? 0);
  return until > now ? until : null;
}

/** Lift a host's hold (an operator's `refresh` of a source on that host). */
export async function releaseHost(redis: Redis, keys: StoreKeys, host: string): Promise<boolean> {
  return (await redis.del(hostKey(keys, host, 'retry-after'))) > 0;
}
