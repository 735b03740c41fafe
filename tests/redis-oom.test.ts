/**
 * A Redis at maxmemory (noeviction) is reported as such (issue 15, point 6): "out of memory",
 * logged once, not "connection lost"; its end noticed within 10 s of memory being freed.
 * On a private redis-server whose maxmemory the test sets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.js';
import { RedisHealth } from '../src/redis/health.js';
import { redisUnavailable } from '../src/redis/errors.js';
import { waitFor } from './helpers/wait.js';

let dir: string;
let server: EmbeddedRedis;
let redis: Redis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'feedagg-oom-'));
  server = await startEmbeddedRedis(dir);
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Fill Redis past a maxmemory just above what it uses now; returns the OOM error a write got. */
async function fillUp(): Promise<Error> {
  const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  await redis.config('SET', 'maxmemory', String(used + 512 * 1024));
  for (let index = 0; index < 100; index += 1) {
    try {
      await redis.set(`fill:${index}`, 'x'.repeat(64 * 1024));
    } catch (error) {
      return error as Error;
    }
  }
  throw new Error('Redis never refused a write');
}

describe('Redis out of memory', () => {
  it('is logged once as out of memory (not a lost connection), and its end noticed within 10 s', async () => {
    const lines: Array<{ msg: string }> = [];
    const log = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as { msg: string }); done(); } }));
    const health = new RedisHealth(log, 30_000, 'test:oom-probe');
    health.watch(redis);
    const error = await fillUp();
    expect(error.message).toMatch(/^OOM/);
    // As a poll meets it: wrapped as REDIS_UNAVAILABLE, reported by the worker, many times.
    for (let index = 0; index < 20; index += 1) health.report('worker poll', redisUnavailable(error, 'polling x'));
    expect(health.outOfMemory).toBe(true);
    expect(health.isDown).toBe(false);
    expect(lines.filter((line) => /out of memory/.test(line.msg))).toHaveLength(1);
    expect(lines.some((line) => /connection lost/.test(line.msg))).toBe(false);
    await redis.config('SET', 'maxmemory', '0');
    const freedAt = Date.now();
    await waitFor('the end of out of memory', async () => (health.outOfMemory ? null : true), 12_000);
    expect(Date.now() - freedAt).toBeLessThan(10_000);
    expect(lines.some((line) => /accepts writes again/.test(line.msg))).toBe(true);
    health.stop();
  });
});
