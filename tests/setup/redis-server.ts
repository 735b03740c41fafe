/**
 * Global setup: a real redis-server on a free loopback port for the whole run, stopped after.
 * Tests read its URL with inject('redisUrl') and isolate themselves by key prefix.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: EmbeddedRedis | null = null;
let dataDir: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  dataDir = await mkdtemp(join(tmpdir(), 'feedagg-test-redis-'));
  redis = await startEmbeddedRedis(dataDir);
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
