/** The next-poll time of every source: one sorted set, member = source id, score = epoch ms. */
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { RedisClient } from './redis-client.js';

const claimScript = LuaScript.load('claim-due');
const requeueScript = LuaScript.load('requeue-lost');
const claimNowScript = LuaScript.load('claim-now');

/**
 * Make the schedule match the config: new sources are due now, known ones keep their time,
 * sources no longer enabled in the config leave the schedule.
 */
export async function syncSchedule(redis: RedisClient, keys: StoreKeys, enabledIds: string[], now: number): Promise<{ added: string[]; removed: string[] }> {
  const current = await redis.zrange(keys.schedule, 0, -1);
  const wanted = new Set(enabledIds);
  const removed = current.filter((id) => !wanted.has(id));
  const known = new Set(current);
  const added = enabledIds.filter((id) => !known.has(id));
  const pipeline = redis.multi();
  if (removed.length > 0) pipeline.zrem(keys.schedule, ...removed);
  for (let start = 0; start < added.length; start += 1000) {
    pipeline.zadd(keys.schedule, 'NX', ...added.slice(start, start + 1000).flatMap((id) => [now, id]));
  }
  await pipeline.exec();
  return { added, removed };
}

/**
 * Sources due now, each moved `leaseMs` ahead so that the following ticks do not pick them
 * again while their polls wait in the queue (see scripts/claim-due.lua).
 */
export async function claimDueSources(redis: RedisClient, keys: StoreKeys, now: number, leaseMs: number, limit = 1000): Promise<string[]> {
  return (await claimScript.run(redis, [keys.schedule, keys.claims], [now, leaseMs, limit])) as string[];
}

/** Claims that end without a poll (a source the tick did not enqueue, a skipped poll). */
export async function releaseClaims(redis: RedisClient, keys: StoreKeys, ids: string[]): Promise<void> {
  if (ids.length > 0) await redis.multi().zrem(keys.claims, ...ids).hdel(keys.claimJobs, ...ids).exec();
}

/** Which batch job polls each claimed source (requeue-lost.lua checks that job is alive). */
export async function recordClaimJobs(redis: RedisClient, keys: StoreKeys, jobs: Array<{ jobId: string; ids: string[] }>): Promise<void> {
  const fields = jobs.flatMap(({ jobId, ids }) => ids.flatMap((id) => [id, jobId]));
  if (fields.length > 0) await redis.hset(keys.claimJobs, ...fields);
}

/** Claim sources for a poll now (run --once, refresh); returns those claimed (see scripts/claim-now.lua). */
export async function claimNow(redis: RedisClient, keys: StoreKeys, ids: string[], jobId: string, now: number, leaseMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await claimNowScript.run(redis, [keys.schedule, keys.claims, keys.claimJobs], [now, leaseMs, jobId, ...ids])) as string[];
}

/** The sources among `ids` still claimed (their poll has not ended). */
export async function stillClaimed(redis: RedisClient, keys: StoreKeys, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const scores = await redis.zmscore(keys.claims, ...ids);
  return new Set(ids.filter((_, index) => scores[index] !== null && scores[index] !== undefined));
}

/**
 * Polls lost between a claim and their end: claims older than `before` whose batch job is gone
 * (or was never added) are due again at `now` (see scripts/requeue-lost.lua). `jobKey` names
 * the hash of a poll job. Returns the ids made due.
 */
export async function requeueLostPolls(redis: RedisClient, keys: StoreKeys, jobKey: (jobId: string) => string, before: number, now: number, limit = 500): Promise<string[]> {
  const old = await redis.zrangebyscore(keys.claims, '-inf', before, 'LIMIT', 0, limit);
  if (old.length === 0) return [];
  const jobs = await redis.hmget(keys.claimJobs, ...old);
  // A claim with no job recorded: a key that never exists stands in for its job.
  const jobKeys = jobs.map((jobId) => jobKey(jobId ?? 'none:never-added'));
  return (await requeueScript.run(redis, [keys.claims, keys.schedule, keys.claimJobs, ...jobKeys], [before, now, ...old])) as string[];
}

export async function nextPollTimes(redis: RedisClient, keys: StoreKeys, ids: string[]): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const scores = await redis.zmscore(keys.schedule, ...ids);
  return new Map(ids.map((id, index) => {
    const score = scores[index];
    return [id, score === null || score === undefined ? null : Number(score)];
  }));
}

/** A gone source stays on the schedule (so start-up sync keeps it) but is never due. */
export async function parkSource(redis: RedisClient, keys: StoreKeys, sourceId: string): Promise<void> {
  await redis.zadd(keys.schedule, 'XX', '+inf', sourceId);
}

/** Make a source due now (refresh, re-enable). */
export async function scheduleNow(redis: RedisClient, keys: StoreKeys, sourceId: string, now: number): Promise<void> {
  await redis.zadd(keys.schedule, now, sourceId);
}

/** Sources on the schedule that are due (for the operator's view). */
export async function dueSources(redis: RedisClient, keys: StoreKeys, now: number, limit = 500): Promise<string[]> {
  return redis.zrangebyscore(keys.schedule, '-inf', now, 'LIMIT', 0, limit);
}
