/** What Redis holds for a prefix: the store's own keys per article, and the queues beside it. */
import type { Redis } from 'ioredis';

export interface RedisFootprint {
  usedBytes: number;
  articles: number;
  storeBytes: number;
  queueBytes: number;
  undeliveredEvents: number;
}

async function bytesOf(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let total = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    for (const [, size] of (await pipeline.exec()) ?? []) total += Number(size ?? 0);
  } while (cursor !== '0');
  return total;
}

export async function redisFootprint(redis: Redis, prefix: string): Promise<RedisFootprint> {
  const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
  return {
    usedBytes: used,
    articles: await redis.zcard(`${prefix}:store:articles`),
    storeBytes: await bytesOf(redis, `${prefix}:store:*`),
    queueBytes: await bytesOf(redis, `${prefix}:articles:*`),
    undeliveredEvents: (await redis.llen(`${prefix}:articles:wait`)) + (await redis.zcard(`${prefix}:articles:prioritized`)),
  };
}
