/**
 * Redis holds the working set, not an archive. An article keeps its full body while an output
 * shows it or an event of it waits in the outbox; after that only its identity and
 * fingerprints stay, until no source has listed it for the retention period. Near-duplicate
 * data (LSH records, signatures) stays for the dedupe window only.
 */
import { createHash } from 'node:crypto';
import { compressBody, LSH_PREFIX, parseMeta, readBodies } from './article-store.js';
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { RedisClient } from './redis-client.js';

const windowScript = LuaScript.load('keep-window-bodies');
const trimScript = LuaScript.load('trim-bodies');
const expiredScript = LuaScript.load('sweep-expired');
const windowSweepScript = LuaScript.load('sweep-window');

/**
 * The windows of a publish keep their bodies, compressed; every other body goes unless an
 * event of its article is still pending. Returns how many bodies left.
 */
export async function keepWindowBodies(redis: RedisClient, keys: StoreKeys, ids: string[], sequence: number): Promise<number> {
  const bodies = await readBodies(redis, keys, ids);
  const compressed: Array<string | Buffer> = [];
  ids.forEach((id, index) => {
    const body = bodies[index];
    if (!body || body[0] === 0x7a) return;
    compressed.push(id, createHash('sha1').update(body).digest('hex'), compressBody(body));
  });
  await windowScript.run(redis, [keys.body, keys.published], [ids.length, ...ids, ...compressed]);
  return trimBodies(redis, keys, sequence);
}

/** The accept sequence now: a publish reads it before it reads the index. */
export async function acceptSequence(redis: RedisClient, keys: StoreKeys): Promise<number> {
  return Number((await redis.get(keys.acceptSequence)) ?? 0);
}

/**
 * Drop the bodies outside the published windows, 500 at a time. The body hash is the working
 * set (the windows, pending events and what arrived since the last publish), so reading its
 * field names is cheap.
 */
async function trimBodies(redis: RedisClient, keys: StoreKeys, sequence: number): Promise<number> {
  const ids = await redis.hkeys(keys.body);
  let removed = 0;
  for (let start = 0; start < ids.length; start += 500) {
    removed += Number(await trimScript.run(redis, [keys.articleMeta, keys.body, keys.published], [sequence, ...ids.slice(start, start + 500)]));
  }
  return removed;
}

/** Articles no source has listed since `cutoff` leave the store; returns how many did. */
export async function sweepExpired(redis: RedisClient, keys: StoreKeys, cutoff: number, limit = 200): Promise<number> {
  const ids = await redis.zrangebyscore(keys.unlisted, '-inf', cutoff, 'LIMIT', 0, limit);
  if (ids.length === 0) return 0;
  const metas = await redis.hmget(keys.articleMeta, ...ids);
  const sources = [...new Set(metas.flatMap((json) => (json ? parseMeta(json).sources.map((source) => source.sourceId) : [])))];
  const fixed = [keys.articleMeta, keys.body, keys.sig, keys.stories, keys.articlesByTime, keys.unlisted, keys.published];
  return Number(await expiredScript.run(redis, [...fixed, ...sources.map((id) => keys.seen(id))], [cutoff, sources.length, ...sources, ...ids]));
}

const BUCKET_PREFIXES = 16 ** LSH_PREFIX;
const BUCKETS_PER_SWEEP = 1024;

/**
 * Drop near-duplicate data older than the window, a slice per call: `BUCKETS_PER_SWEEP` LSH
 * buckets and a page of signatures; the position is kept in Redis, so any process continues.
 */
export async function sweepWindow(redis: RedisClient, keys: StoreKeys, bands: number, oldestMs: number): Promise<void> {
  const stateKey = `${keys.root}:maintenance`;
  const [bucketText, cursor] = await redis.hmget(stateKey, 'bucket', 'sigCursor');
  const total = bands * BUCKET_PREFIXES;
  const first = Number(bucketText ?? 0) % total;
  const buckets = Array.from({ length: BUCKETS_PER_SWEEP }, (_, offset) => {
    const index = (first + offset) % total;
    return keys.lshBucket(Math.floor(index / BUCKET_PREFIXES), (index % BUCKET_PREFIXES).toString(16).padStart(LSH_PREFIX, '0'));
  });
  const next = String(await windowSweepScript.run(redis, [keys.sig, ...buckets], [Math.floor(oldestMs / 60_000), cursor ?? '0', 500]));
  await redis.hset(stateKey, 'bucket', String((first + BUCKETS_PER_SWEEP) % total), 'sigCursor', next);
}
