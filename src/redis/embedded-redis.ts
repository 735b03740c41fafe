/**
 * A private redis-server child for machines with no Redis configured (DESIGN.md "Redis, with
 * an embedded default"): loopback only, a free port, AOF on, data under ./data/redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { FeedaggError } from '../errors.js';

export interface EmbeddedRedis {
  url: string;
  /** SIGTERM (redis-server flushes its AOF and exits), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * Start the server again (same port, same data folder and AOF) whenever it exits unless
   * stopped: its process lives as long as ours. `report` hears of each exit and restart.
   */
  supervise(report: (event: RestartEvent) => void): void;
}

export type RestartEvent =
  | { kind: 'exited'; code: number | null; signal: string | null }
  | { kind: 'restarted'; ms: number }
  | { kind: 'failed'; message: string };

/** Between restart attempts (the port may still be held for a moment). */
const RESTART_RETRY_MS = 500;

const MARKER_FILE = 'feedagg-redis.url';

export const INSTALL_HINT = 'install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:`port` (we could bind it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/**
 * The private redis-server's port when redis.port is not set: a fixed one, so an operator can
 * point a consumer at it (and `feedagg redis-url` prints it), unless something else has it.
 */
export const DEFAULT_PRIVATE_PORT = 6390;

/** redis.port when set (it must be free), else DEFAULT_PRIVATE_PORT when free, else any free port. */
export async function privatePort(configured: number | null): Promise<number> {
  if (configured !== null) {
    if (await portIsFree(configured)) return configured;
    throw new FeedaggError('CONFIG', `redis.port: ${configured} is in use on 127.0.0.1, so the private redis-server cannot listen there (choose another port, or set redis.url to the Redis that runs there)`);
  }
  return (await portIsFree(DEFAULT_PRIVATE_PORT)) ? DEFAULT_PRIVATE_PORT : freePort();
}

/** How a Redis at a URL answered: not at all, as a single server, or as a Redis Cluster node. */
export type RedisProbe = 'none' | 'standalone' | 'cluster';

/** PING the Redis at `url` within `timeoutMs`, and ask whether it is a cluster node (INFO cluster). */
export async function probeRedis(url: string, timeoutMs = 800): Promise<RedisProbe> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return 'none';
    const info = await client.info('cluster').catch(() => '');
    return /^cluster_enabled:1\b/m.test(info) ? 'cluster' : 'standalone';
  } catch {
    return 'none';
  } finally {
    client.disconnect();
  }
}

/** True when a Redis server answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 800): Promise<boolean> {
  return (await probeRedis(url, timeoutMs)) !== 'none';
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

export async function startEmbeddedRedis(dataDir = './data/redis', binary = 'redis-server', configuredPort: number | null = null): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const port = await privatePort(configuredPort);
  try {
    return await launchRedis(dir, binary, port);
  } catch (error) {
    // Another process took the default port between the check and the start: any port will do.
    if (configuredPort === null && port === DEFAULT_PRIVATE_PORT && error instanceof FeedaggError && /Address already in use/i.test(error.message)) {
      return launchRedis(dir, binary, await freePort());
    }
    throw error;
  }
}

/** A redis-server on `port`, answering PING; throws a typed error when it does not come up. */
async function spawnServer(dir: string, binary: string, port: number): Promise<ChildProcess> {
  const child = spawn(binary, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
    '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no',
    // Its own process group: a Ctrl-C in the terminal reaches feedagg, which stops the server
    // last, after the workers that still write to it.
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  // Keep the tail of stderr for the error message, and keep the pipe drained.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-2000);
  });
  const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const outcome = await Promise.race([spawnError, redisAnswers(url, 300)]);
    if (outcome instanceof Error) {
      const missing = (outcome as NodeJS.ErrnoException).code === 'ENOENT';
      throw new FeedaggError('REDIS_UNAVAILABLE', missing ? `no Redis configured and no ${binary} binary found: ${INSTALL_HINT}` : `cannot start ${binary}: ${outcome.message}`, { cause: outcome });
    }
    if (outcome) return child;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new FeedaggError('REDIS_UNAVAILABLE', `${binary} did not start on port ${port} (exit code ${child.exitCode ?? 'none'})${stderr ? `: ${stderr.trim()}` : ''}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function launchRedis(dir: string, binary: string, port: number): Promise<EmbeddedRedis> {
  let current = await spawnServer(dir, binary, port);
  const url = `redis://127.0.0.1:${port}`;
  // Other feedagg commands on this machine (`sources`, `run --once` in another terminal) find
  // this server here instead of starting a second one on the same data directory.
  const marker = join(dir, MARKER_FILE);
  await writeFile(marker, url);
  let stopping = false;
  return {
    url,
    async stop(timeoutMs = 10_000) {
      stopping = true;
      await rm(marker, { force: true });
      current.kill('SIGTERM'); // redis-server flushes the AOF and exits on SIGTERM
      await waitForExit(current, timeoutMs);
    },
    supervise(report) {
      const watch = (child: ChildProcess) => child.once('exit', (code, signal) => {
        if (stopping) return;
        report({ kind: 'exited', code, signal });
        const started = Date.now();
        const again = async (): Promise<void> => {
          if (stopping) return;
          try {
            current = await spawnServer(dir, binary, port);
            await writeFile(marker, url);
            if (stopping) {
              current.kill('SIGTERM');
              return;
            }
            watch(current);
            report({ kind: 'restarted', ms: Date.now() - started });
          } catch (error) {
            report({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
            setTimeout(() => void again(), RESTART_RETRY_MS).unref();
          }
        };
        setTimeout(() => void again(), 100).unref();
      });
      watch(current);
    },
  };
}

/** The URL of a private redis-server another feedagg process runs on this data directory, if it answers. */
export async function runningEmbeddedRedis(dataDir = './data/redis'): Promise<string | null> {
  const url = (await readFile(join(resolve(dataDir), MARKER_FILE), 'utf8').catch(() => '')).trim();
  return url && (await redisAnswers(url)) ? url : null;
}
