/** The private redis-server default: started with AOF under its data dir, stopped on exit. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FeedaggError } from '../src/errors.js';
import { redisAnswers, startEmbeddedRedis } from '../src/redis/embedded-redis.js';
import { resolveRedis } from '../src/redis/connection.js';

describe('embedded redis-server', () => {
  it('starts with AOF and noeviction in its data dir, and stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedagg-embedded-'));
    const embedded = await startEmbeddedRedis(join(dir, 'data', 'redis'));
    try {
      const client = new Redis(embedded.url);
      const appendonly = (await client.config('GET', 'appendonly')) as string[];
      const policy = (await client.config('GET', 'maxmemory-policy')) as string[];
      await client.set('k', 'v');
      client.disconnect();
      expect(appendonly[1]).toBe('yes');
      expect(policy[1]).toBe('noeviction');
      expect(embedded.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await embedded.stop();
    }
    expect(await redisAnswers(embedded.url, 300)).toBe(false);
    expect((await stat(join(dir, 'data', 'redis'))).isDirectory()).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it('without a redis-server binary fails with REDIS_UNAVAILABLE and the install command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feedagg-embedded-'));
    const error = await startEmbeddedRedis(dir, 'redis-server-that-does-not-exist').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeedaggError);
    expect((error as FeedaggError).code).toBe('REDIS_UNAVAILABLE');
    expect((error as FeedaggError).message).toMatch(/apt-get install redis-server/);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a configured Redis that does not answer instead of starting another', async () => {
    const error = await resolveRedis('redis://127.0.0.1:1', pino({ level: 'silent' })).catch((caught: unknown) => caught);
    expect((error as FeedaggError).code).toBe('REDIS_UNAVAILABLE');
  });
});
