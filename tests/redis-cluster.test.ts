/**
 * feedagg on a real three-master Redis Cluster (loopback): `run --once` and `start` work
 * through a seed node's URL, every key (store and BullMQ) lives in the one hash slot of the
 * `{…}` prefix, events reach the `articles` queue once, and a prefix without a hash tag is a
 * config error. Scripts reach their keys through KEYS[] only, or the cluster would refuse them.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleEvent } from '../src/model/article-event.js';
import { freePort } from '../src/redis/embedded-redis.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let cluster: RedisCluster;
let server: FixtureServer;
let workspace: Workspace;
let prefix: string;

beforeAll(async () => {
  [cluster, server] = await Promise.all([startRedisCluster(), new FixtureServer().start()]);
  server.serveStandardFeeds();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});
beforeEach(async () => {
  workspace = await createWorkspace();
  prefix = `{feedagg-${randomUUID().slice(0, 8)}}`;
});
afterEach(() => workspace.cleanup());

function config(sources = [
  { id: 'harbor', url: server.url('/rss.xml') },
  { id: 'mountain', url: server.url('/atom.xml') },
  { id: 'river', url: server.url('/feed.json') },
]): Record<string, unknown> {
  return {
    redis: { url: cluster.url, prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    schedule: { tick: '1s' },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources,
  };
}

/** Keys under the prefix on each node: all of them should be on one. */
async function keysPerNode(): Promise<number[]> {
  return Promise.all(cluster.ports.map(async (port) => {
    const node = new Redis({ port, host: '127.0.0.1' });
    try {
      return (await node.keys(`${prefix}:*`)).length;
    } finally {
      node.disconnect();
    }
  }));
}

async function articleJobs(): Promise<Array<{ id: string; data: ArticleEvent }>> {
  const connection = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] ?? 0 }], { redisOptions: { maxRetriesPerRequest: null } });
  const queue = new Queue<ArticleEvent>('articles', { connection, prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    return jobs.map((job) => ({ id: job.id ?? '', data: job.data }));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('Redis Cluster', () => {
  it('run --once publishes, emits each event once and keeps every key in the prefix slot; a second run adds nothing', async () => {
    await workspace.writeConfig(config());
    const first = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/3 sources, 0 failed, 7 new articles/);
    const events = await articleJobs();
    expect(events).toHaveLength(7);
    expect(new Set(events.map((event) => event.id)).size).toBe(7);

    const second = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/3 sources, 0 failed, 0 new articles/);
    expect(await articleJobs()).toHaveLength(7);

    const perNode = (await keysPerNode()).sort((a, b) => b - a);
    expect(perNode[0]).toBeGreaterThan(10);
    expect(perNode.slice(1)).toEqual([0, 0]);
  }, 90_000);

  it('start polls on the tick and serves the feed through the cluster', async () => {
    const port = await freePort();
    await workspace.writeConfig(config());
    const child = spawnCli(['start', '--config', workspace.configPath], { env: { PORT: String(port) } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const feed = await waitFor('7 items in /feed.json', async () => {
        const response = await request(`http://127.0.0.1:${port}/feed.json`).catch(() => null);
        if (!response) return null;
        const body = await response.body.text();
        return response.statusCode === 200 && (JSON.parse(body) as { items: unknown[] }).items.length === 7 ? body : null;
      }, 30_000);
      expect(feed).toContain('Water levels rise after rain');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/"level":50/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a prefix without a hash tag, naming the field', async () => {
    prefix = 'feedagg-plain';
    await workspace.writeConfig(config());
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/redis\.prefix.*hash tag/);
  }, 30_000);
});
