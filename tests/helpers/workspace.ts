/** A temporary folder with a config file, an output dir and a unique Redis prefix per test. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';

export interface Workspace {
  dir: string;
  configPath: string;
  outputDir: string;
  prefix: string;
  writeConfig(config: Record<string, unknown>): Promise<void>;
  cleanup(redisUrl?: string): Promise<void>;
}

export async function createWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'feedagg-test-'));
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const outputDir = join(dir, 'public');
  const configPath = join(dir, 'feedagg.yaml');
  return {
    dir,
    configPath,
    outputDir,
    prefix,
    async writeConfig(config) {
      await writeFile(configPath, stringify(config));
    },
    async cleanup(redisUrl) {
      if (redisUrl) await deletePrefix(redisUrl, prefix);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Remove every key under a prefix (test isolation on the shared test Redis). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
