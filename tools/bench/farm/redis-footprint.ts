/** What Redis holds for a prefix: the store's own keys per article, and the queues beside it. */
import type { RedisClient as Redis } from '../../../src/redis/client.js';

export interface RedisFootprint {
  usedBytes: number;
  /** Every key under the prefix: the store, the queues and their events. */
  prefixBytes: number;
  articles: number;
  storeBytes: number;
  queueBytes: number;
  undeliveredEvents: number;
}

/** MEMORY USAGE summed over every key matching a pattern. */
export async function bytesOf(redis: Redis, pattern: string): Promise<number> {
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
    prefixBytes: await bytesOf(redis, `${prefix}:*`),
    articles: await redis.zcard(`${prefix}:store:articles`),
    storeBytes: await bytesOf(redis, `${prefix}:store:*`),
    queueBytes: await bytesOf(redis, `${prefix}:articles:*`),
    undeliveredEvents: (await redis.llen(`${prefix}:articles:wait`)) + (await redis.zcard(`${prefix}:articles:prioritized`)),
  };
}

export interface CommandCounts {
  calls: number;
  /** Microseconds Redis spent in commands. */
  micros: number;
  inputBytes: number;
  outputBytes: number;
  /** Redis's own CPU time (user + system). */
  cpuSeconds: number;
  byCommand: Map<string, number>;
}

/** Redis's own counters (INFO commandstats and stats), to diff around a round. */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const stats = await redis.info('commandstats');
  const byCommand = new Map<string, number>();
  let calls = 0;
  let micros = 0;
  for (const match of stats.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)) {
    byCommand.set(match[1] ?? '', Number(match[2]));
    calls += Number(match[2]);
    micros += Number(match[3]);
  }
  const info = await redis.info('stats');
  const cpu = await redis.info('cpu');
  const cpuOf = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return {
    calls,
    micros,
    cpuSeconds: cpuOf('used_cpu_user') + cpuOf('used_cpu_sys'),
    inputBytes: Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? 0),
    outputBytes: Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1] ?? 0),
    byCommand,
  };
}

export function countsBetween(before: CommandCounts, after: CommandCounts): CommandCounts {
  const byCommand = new Map<string, number>();
  for (const [name, calls] of after.byCommand) {
    const delta = calls - (before.byCommand.get(name) ?? 0);
    if (delta > 0) byCommand.set(name, delta);
  }
  return {
    calls: after.calls - before.calls,
    micros: after.micros - before.micros,
    inputBytes: after.inputBytes - before.inputBytes,
    outputBytes: after.outputBytes - before.outputBytes,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    byCommand,
  };
}

/** Redis bytes one source costs: its state, seen entries, listing and schedule entry (a sample's mean). */
export async function bytesPerSource(redis: Redis, prefix: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const id of ids) for (const family of ['source', 'seen', 'listing']) pipeline.memory('USAGE', `${prefix}:store:${family}:${id}`, 'SAMPLES', '0');
  let total = 0;
  for (const [, size] of (await pipeline.exec()) ?? []) total += Number(size ?? 0);
  const schedule = `${prefix}:store:schedule`;
  const scheduleBytes = Number((await redis.memory('USAGE', schedule, 'SAMPLES', '0')) ?? 0) / Math.max(1, await redis.zcard(schedule));
  return total / ids.length + scheduleBytes;
}
