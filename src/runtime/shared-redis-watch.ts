/**
 * A process using another feedagg process's private redis-server (found through its marker
 * file) cannot outlive it for long: when that server goes away and does not come back within
 * SHARED_REDIS_WAIT_MS, the process gives up with a message that says what happened and what
 * to do, instead of reconnecting to a closed port forever.
 */
import type { Logger } from 'pino';
import { runningEmbeddedRedis } from '../redis/embedded-redis.js';
import type { RedisTarget } from '../redis/connection.js';
import type { RedisHealth } from '../redis/health.js';

export const SHARED_REDIS_WAIT_MS = 15_000;

/** Resolves with the reason to exit, when the shared server is gone for good; never otherwise. */
export function watchSharedRedis(target: RedisTarget, health: RedisHealth, log: Logger, waitMs = SHARED_REDIS_WAIT_MS): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    health.on('down', () => {
      timer ??= setTimeout(() => {
        timer = null;
        void runningEmbeddedRedis(target.dataDir).then((current) => {
          if (!health.isDown) return;
          const reason = current && current !== target.url
            ? `the private redis-server at ${target.url} is gone; another feedagg process now runs one at ${current}: start this command again to use it`
            : `the private redis-server at ${target.url} (started by another feedagg process in this folder) is gone and did not come back within ${Math.round(waitMs / 1000)} s: start "feedagg start" again, or set REDIS_URL`;
          log.error({ url: target.url, next: current }, reason);
          resolve(reason);
        });
      }, waitMs);
      timer.unref();
    });
    health.on('up', () => {
      if (timer) clearTimeout(timer);
      timer = null;
    });
  });
}
