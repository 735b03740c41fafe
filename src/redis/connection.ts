/** Which Redis to use (one server or a Redis Cluster), and the connections BullMQ and the stores share. */
import { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FeedaggError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { RedisClient } from './client.js';
import { INSTALL_HINT, probeRedis, redisAnswers, runningEmbeddedRedis, startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.js';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The Redis tried when none is configured: 127.0.0.1:6379, or what FEEDAGG_LOCAL_REDIS says
 * (a URL, or `off` for none: a private redis-server then, whatever listens on 6379). A switch
 * for machines where 6379 belongs to something else, and for tests of the private server.
 */
export function localRedisUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env.FEEDAGG_LOCAL_REDIS?.trim();
  if (!value) return LOCAL_REDIS_URL;
  return value === 'off' ? null : value;
}

/** Why no local Redis was used, for error messages. */
export function noLocalRedis(): string {
  const url = localRedisUrl();
  return url ? `nothing answers on ${redactUrl(url)}` : 'FEEDAGG_LOCAL_REDIS is off';
}

async function answeringLocalRedis(): Promise<string | null> {
  const url = localRedisUrl();
  return url && (await redisAnswers(url)) ? url : null;
}

export interface RedisTarget {
  url: string;
  /** The private redis-server this process started (and stops on exit). */
  embedded: EmbeddedRedis | null;
  /** True when the URL came from another feedagg process's marker file (its private server). */
  shared: boolean;
  /** The URL is a node of a Redis Cluster (INFO cluster says cluster_enabled:1). */
  cluster: boolean;
  /** Where a private redis-server keeps its data and marker file (redis.dataDir). */
  dataDir: string;
}

/**
 * BullMQ on a Redis Cluster needs every key of a queue in one hash slot: a `{tag}` prefix
 * (https://docs.bullmq.io/bull/patterns/redis-cluster). feedagg's own keys share it, so its
 * scripts may touch any of them.
 */
export function checkClusterPrefix(prefix: string): void {
  if (!/^\{[^}]+\}$/.test(prefix)) {
    throw new FeedaggError('CONFIG', `redis.prefix: "${prefix}" has no hash tag; on a Redis Cluster every key must share one, e.g. "{${prefix}}"`);
  }
}

/**
 * REDIS_URL / redis.url; else the private redis-server another feedagg process started in
 * redis.dataDir (./data/redis next to the config file); else a Redis already on 127.0.0.1:6379;
 * else a private redis-server of our own, with its data there.
 */
/**
 * The Redis a command would use, without starting one: the configured URL, else the private
 * redis-server a feedagg process runs on redis.dataDir, else 127.0.0.1:6379 when it answers
 * (`feedagg redis-url`, and the example consumer).
 */
export async function currentRedisUrl(configuredUrl: string | null, dataDir: string): Promise<string | null> {
  if (configuredUrl) return configuredUrl;
  const shared = await runningEmbeddedRedis(dataDir);
  if (shared) return shared;
  return answeringLocalRedis();
}

export async function resolveRedis(configuredUrl: string | null, log: Logger, dataDir = './data/redis', startPrivate = true, privatePort: number | null = null): Promise<RedisTarget> {
  if (configuredUrl) {
    const probe = await probeRedis(configuredUrl, 3_000);
    if (probe === 'none') {
      throw new FeedaggError('REDIS_UNAVAILABLE', `Redis at ${redactUrl(configuredUrl)} does not answer`);
    }
    if (probe === 'cluster') log.info({ url: redactUrl(configuredUrl) }, 'Redis Cluster: connecting through its nodes');
    return { url: configuredUrl, embedded: null, shared: false, cluster: probe === 'cluster', dataDir };
  }
  const shared = await runningEmbeddedRedis(dataDir);
  if (shared) {
    log.info({ url: shared }, 'using the private redis-server another feedagg process started');
    return { url: shared, embedded: null, shared: true, cluster: false, dataDir };
  }
  const local = await answeringLocalRedis();
  if (local) {
    log.info({ url: redactUrl(local) }, `using the Redis that answers on ${redactUrl(local)}`);
    return { url: local, embedded: null, shared: false, cluster: false, dataDir };
  }
  // A command that only reads state (sources, refresh) must not start an empty or stale
  // private server of its own and report from it as if it were the deployment's.
  if (!startPrivate) {
    throw new FeedaggError('REDIS_UNAVAILABLE', `no Redis to read: REDIS_URL and redis.url are not set, no feedagg start runs a private redis-server in ${dataDir}, and ${noLocalRedis()} (start "feedagg start", or set REDIS_URL to the deployment's Redis)`);
  }
  log.info({ dataDir }, 'no Redis configured or running: starting a private redis-server');
  const embedded = await startEmbeddedRedis(dataDir, 'redis-server', privatePort).catch((error: unknown) => {
    if (error instanceof FeedaggError) throw error;
    throw new FeedaggError('REDIS_UNAVAILABLE', `cannot start redis-server: ${INSTALL_HINT}`, { cause: error });
  });
  log.info({ url: embedded.url }, 'private redis-server is up');
  return { url: embedded.url, embedded, shared: false, cluster: false, dataDir };
}

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out).
 * feedagg's own store connection pipelines automatically: the commands of many concurrent
 * polls issued in one event-loop turn leave in one write (ioredis "auto pipelining"). BullMQ's
 * connection does not, as BullMQ does not support it.
 */
export function createRedis(target: Pick<RedisTarget, 'url' | 'cluster'>, name: string, autoPipelining = false): RedisClient {
  if (!target.cluster) return new Redis(target.url, { maxRetriesPerRequest: null, connectionName: name, enableAutoPipelining: autoPipelining });
  // The URL is one seed node; ioredis learns the others (CLUSTER SLOTS) and follows MOVED.
  const url = new URL(target.url);
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    enableAutoPipelining: autoPipelining,
    redisOptions: {
      maxRetriesPerRequest: null,
      connectionName: name,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** BullMQ loses jobs when Redis evicts keys; warn unless the policy is noeviction. */
export async function warnOnEvictionPolicy(redis: RedisClient, log: Logger): Promise<void> {
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
