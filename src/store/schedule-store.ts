/** The next-poll time of every source: one sorted set, member = source id, score = epoch ms. */
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';

/**
 * Make the schedule match the config: new sources are due now, known ones keep their time,
 * sources no longer enabled in the config leave the schedule.
 */
export async function syncSchedule(redis: Redis, keys: StoreKeys, enabledIds: string[], now: number): Promise<{ added: string[]; removed: string[] }> {
  const current = await redis.zrange(keys.schedule, 0, -1);
  const wanted = new Set(enabledIds);
  const removed = current.filter((id) => !wanted.has(id));
  const known = new Set(current);
  const added = enabledIds.filter((id) => !known.has(id));
  const pipeline = redis.multi();
  if (removed.length > 0) pipeline.zrem(keys.schedule, ...removed);
  for (const id of added) pipeline.zadd(keys.schedule, 'NX', now, id);
  await pipeline.exec();
  return { added, removed };
}

export async function dueSources(redis: Redis, keys: StoreKeys, now: number, limit = 500): Promise<string[]> {
  return redis.zrangebyscore(keys.schedule, '-inf', now, 'LIMIT', 0, limit);
}

/** XX: only sources still on the schedule (a source removed meanwhile stays removed). */
export async function setNextPoll(redis: Redis, keys: StoreKeys, sourceId: string, at: number): Promise<void> {
  await redis.zadd(keys.schedule, 'XX', at, sourceId);
}

export async function nextPollTimes(redis: Redis, keys: StoreKeys, ids: string[]): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const scores = await redis.zmscore(keys.schedule, ...ids);
  return new Map(ids.map((id, index) => {
    const score = scores[index];
    return [id, score === null || score === undefined ? null : Number(score)];
  }));
}

/** A gone source stays on the schedule (so start-up sync keeps it) but is never due. */
export async function parkSource(redis: Redis, keys: StoreKeys, sourceId: string): Promise<void> {
  await redis.zadd(keys.schedule, 'XX', '+inf', sourceId);
}

/** Make a source due now (refresh, re-enable). */
export async function scheduleNow(redis: Redis, keys: StoreKeys, sourceId: string, now: number): Promise<void> {
  await redis.zadd(keys.schedule, now, sourceId);
}
