/** Which Redis to use, and the connections BullMQ and the stores share. */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FeedaggError } from '../errors.js';
import { INSTALL_HINT, redisAnswers, runningEmbeddedRedis, startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisTarget {
  url: string;
  /** The private redis-server this process started (and stops on exit). */
  embedded: EmbeddedRedis | null;
  /** True when the URL came from another feedagg process's marker file (its private server). */
  shared: boolean;
}

/**
 * REDIS_URL / redis.url; else the private redis-server another feedagg process started in
 * ./data/redis; else a Redis already on 127.0.0.1:6379; else a private redis-server of our own.
 */
export async function resolveRedis(configuredUrl: string | null, log: Logger): Promise<RedisTarget> {
  if (configuredUrl) {
    if (!(await redisAnswers(configuredUrl, 3_000))) {
      throw new FeedaggError('REDIS_UNAVAILABLE', `Redis at ${redactUrl(configuredUrl)} does not answer`);
    }
    return { url: configuredUrl, embedded: null, shared: false };
  }
  const shared = await runningEmbeddedRedis();
  if (shared) {
    log.info({ url: shared }, 'using the private redis-server another feedagg process started');
    return { url: shared, embedded: null, shared: true };
  }
  if (await redisAnswers(LOCAL_REDIS_URL)) {
    log.info({ url: LOCAL_REDIS_URL }, 'using the Redis that answers on 127.0.0.1:6379');
    return { url: LOCAL_REDIS_URL, embedded: null, shared: false };
  }
  log.info('no Redis configured or running: starting a private redis-server (data in ./data/redis)');
  const embedded = await startEmbeddedRedis().catch((error: unknown) => {
    if (error instanceof FeedaggError) throw error;
    throw new FeedaggError('REDIS_UNAVAILABLE', `cannot start redis-server: ${INSTALL_HINT}`, { cause: error });
  });
  log.info({ url: embedded.url }, 'private redis-server is up');
  return { url: embedded.url, embedded, shared: false };
}

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out).
 * feedagg's own store connection pipelines automatically: the commands of many concurrent
 * polls issued in one event-loop turn leave in one write (ioredis "auto pipelining"). BullMQ's
 * connection does not, as BullMQ does not support it.
 */
export function createRedis(url: string, name: string, autoPipelining = false): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: autoPipelining });
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** BullMQ loses jobs when Redis evicts keys; warn unless the policy is noeviction. */
export async function warnOnEvictionPolicy(redis: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      log.warn({ policy }, 'Redis maxmemory-policy should be noeviction for BullMQ; jobs and state may be evicted');
    }
  } catch {
    // Managed Redis often forbids CONFIG; nothing to check then.
  }
}
