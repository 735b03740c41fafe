/**
 * A real three-master Redis Cluster on loopback: three `redis-server --cluster-enabled yes` on
 * free ports, joined by `redis-cli --cluster create`. No persistence; everything under a
 * temporary folder that stop() removes. The node timeout is long: a test machine under load
 * must not have its nodes declare each other failed (the cluster would refuse commands).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/embedded-redis.js';

const run = promisify(execFile);

export interface RedisCluster {
  ports: number[];
  /** A seed node's URL (feedagg finds the others). */
  url: string;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
}

async function nodeInfo(port: number, section: string): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.info(section);
  } finally {
    client.disconnect();
  }
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'feedagg-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const children: ChildProcess[] = ports.map((port) => spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
    '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir,
    '--save', '', '--appendonly', 'no', '--cluster-node-timeout', '60000',
  ], { stdio: 'ignore' }));
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((child) => (child.exitCode !== null || child.signalCode !== null ? null : new Promise((done) => child.once('exit', done)))));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(async () => (await nodeInfo(port, 'cluster')).includes('cluster_enabled:1'), `node ${port} did not start`);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitFor(async () => {
        const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
        try {
          return String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok');
        } finally {
          client.disconnect();
        }
      }, `node ${port} did not reach cluster_state:ok`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, url: `redis://127.0.0.1:${ports[0]}`, stop };
}
