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

/** Remember a host's Retry-After (epoch ms): no worker sends it a request before then. */
export async function setHostRetryAfter(redis: Redis, keys: StoreKeys, host: string, until: number, now: number): Promise<void> {
  const ttl = Math.max(1, until - now);
  // Keep the later of two Retry-After times; a race between two workers only loses the earlier one.
  const current = Number((await redis.get(hostKey(keys, host, 'retry-after'))) ?? 0);
  if (until > current) await redis.set(hostKey(keys, host, 'retry-after'), String(until), 'PX', ttl);
}

/** Retry-After times still in force, by host. */
export async function hostsRetryAfter(redis: Redis, keys: StoreKeys, hosts: string[], now: number): Promise<Map<string, number>> {
  const unique = [...new Set(hosts.map((host) => host.toLowerCase()))];
  if (unique.length === 0) return new Map();
  const values = await redis.mget(...unique.map((host) => hostKey(keys, host, 'retry-after')));
  const out = new Map<string, number>();
  unique.forEach((host, index) => {
    const until = Number(values[index] ?? 0);
    if (until > now) out.set(host, until);
  });
  return out;
}
