/**
 * Hostile input: every class of HOSTILE_CLASSES is a source next to good ones, polled by
 * `feedagg run --once` while two `feedagg worker`s and a `feedagg start` share the work. Each
 * class must end with its typed outcome, the good sources must be published whole, no process
 * may grow past the memory limit, and start's main thread must keep answering /healthz (probed
 * every 50 ms throughout: documents are read in threads).
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FeedaggProcess, runToEnd } from './processes.js';
import type { RedisProcess } from './redis-process.js';
import { Redis } from 'ioredis';
import type { Article } from '../../src/model/article.js';
import { storeKeys } from '../../src/store/keys.js';
import { articleJobs, readStoredArticles } from './stored-articles.js';
import { GOOD_SOURCES, goodFeed, HOSTILE_CLASSES as ALL_CLASSES, type ClassView, type HostileClass } from './hostile-classes.js';

export interface ClassResult {
  name: string;
  expected: string;
  outcome: string;
  problem: string | null;
}

export interface HostileResult {
  classes: ClassResult[];
  goodSources: { total: number; unharmed: number };
  reusedGuidUpdates: number | null;
  peakBytes: number;
  /**
   * `feedagg start` while the classes were polled: its slowest /healthz answer and the 99th
   * percentile (ms; on 2 cores shared by four feedagg processes and their threads, these include
   * waiting for a core), and the longest its event loop was blocked (its own
   * monitorEventLoopDelay, from /metrics: what a pathological document would lengthen).
   */
  healthz: { worstMs: number; p99Ms: number; probes: number; loopMaxMs: number | null };
}

/** `nodejs_eventloop_lag_max_seconds` from /metrics, in ms (prom-client resets it at every scrape). */
async function loopMaxMs(port: number): Promise<number | null> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.text(), () => '');
  const value = /^feedagg_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1];
  return value === undefined ? null : Math.round(Number(value) * 1000);
}

/** Asks /healthz every 50 ms until stopped (a refused answer counts as 5 s); /metrics once at the first answer and once at the end. */
function probeHealth(port: number): { stop: () => Promise<HostileResult['healthz']> } {
  let running = true;
  const latencies: number[] = [];
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.ok, () => false);
      // Before start listens, a refusal says nothing about its event loop.
      if (ok || latencies.length > 0) {
        // The first answer: start is up; this scrape resets the loop delay start-up left.
        if (latencies.length === 0) await loopMaxMs(port);
        latencies.push(ok ? performance.now() - started : 5_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (quantile: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))] ?? 0);
      return { worstMs: at(1), p99Ms: at(0.99), probes: sorted.length, loopMaxMs: await loopMaxMs(port) };
    },
  };
}

interface SourceRow {
  id: string;
  state: string;
  lastPollAt: string | null;
  lastError: { code: string } | null;
  nextPollAt: string | null;
  itemsSeen: number;
}

async function listen(host: string, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  // A slow class must not keep the server from closing at the end.
  server.on('connection', (socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** `only`: class names to run (all when empty), for finding which class costs what. */
export async function runHostilePhase(redis: RedisProcess, dir: string, progress: (line: string) => void, only: string[] = []): Promise<HostileResult> {
  const HOSTILE_CLASSES: HostileClass[] = only.length > 0 ? ALL_CLASSES.filter((entry) => only.includes(entry.name)) : ALL_CLASSES;
  const ports: Record<string, number> = {};
  const route = (host: string) => (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname.slice(1);
    const good = /^good-(\d+)$/.exec(path);
    if (good) return void response.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(goodFeed(Number(good[1])));
    const hostile = HOSTILE_CLASSES.find((entry) => entry.name === path && (entry.host ?? '127.0.0.1') === host);
    if (!hostile) return void response.writeHead(404).end();
    hostile.handle(request, response, ports);
  };
  const hosts = [...new Set(['127.0.0.1', ...HOSTILE_CLASSES.map((entry) => entry.host ?? '127.0.0.1')])];
  const servers: Server[] = [];
  for (const host of hosts) {
    const { server, port } = await listen(host, route(host));
    servers.push(server);
    ports[host === '127.0.0.1' ? 'main' : host] = port;
  }
  const portOf = (host: string) => ports[host === '127.0.0.1' ? 'main' : host] ?? 0;
  const prefix = `faults-${randomUUID().slice(0, 8)}`;
  const httpPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const outputDir = join(dir, 'hostile-public');
  const configPath = join(dir, 'hostile.yaml');
  await writeFile(configPath, stringify({
    redis: { url: redis.url, prefix },
    http: { port: httpPort },
    output: { dir: outputDir, maxAge: '3650d' },
    // The guard is on: only the feed servers' own addresses are let through, so every
    // redirect to another private address must be refused.
    // maxParseTime 3s: the slowest legitimate class reads in 1.5 s here (under the suite's
    // load), items-past-parse-time in about 8 s; the default (10s) would only make it slower.
    // 16 polls at once in each of the four processes: up to 64 hostile documents in flight.
    fetch: { timeout: '4s', maxBodySize: '16MB', maxParseTime: '3s', concurrency: 16, allowPrivateNetworks: false, allowAddresses: hosts.map((host) => `${host}/32`), perHostInterval: '1ms', perHostConcurrency: 8 },
    sources: [
      ...HOSTILE_CLASSES.map((entry) => {
        const plain = `http://${entry.host ?? '127.0.0.1'}:${portOf(entry.host ?? '127.0.0.1')}/${entry.name}`;
        return { id: entry.name, url: entry.url ? entry.url(plain) : plain };
      }),
      ...Array.from({ length: GOOD_SOURCES }, (_, index) => ({ id: `good-${index}`, url: `http://127.0.0.1:${ports.main}/good-${index}` })),
    ],
  }));
  let peakBytes = 0;
  const onPeak = (bytes: number) => (peakBytes = Math.max(peakBytes, bytes));
  const workers = [
    ...[0, 1].map((index) => new FeedaggProcess(`hostile-worker-${index}`, ['worker', '--config', configPath], join(dir, `hostile-worker-${index}.log`))),
    new FeedaggProcess('hostile-start', ['start', '--config', configPath], join(dir, 'hostile-start.log')),
  ];
  for (const worker of workers) worker.start();
  const health = probeHealth(httpPort);
  progress(`  ${HOSTILE_CLASSES.length} hostile classes and ${GOOD_SOURCES} good sources, polled by run --once, 2 workers and start`);
  const log = join(dir, 'hostile-run.log');
  await runToEnd(['run', '--once', '--config', configPath], {}, log, onPeak);
  progress('  second round (reused guids must settle)');
  const second = await runToEnd(['run', '--once', '--config', configPath], {}, log, onPeak);
  const healthz = await health.stop();
  progress(`  peak RSS of run --once: ${Math.round(peakBytes / 1048576)} MB; /healthz of start: worst ${healthz.worstMs} ms, p99 ${healthz.p99Ms} ms of ${healthz.probes}; its event loop blocked ${healthz.loopMaxMs ?? '?'} ms at most`);
  for (const worker of workers) {
    await worker.stop();
    progress(`  peak RSS of ${worker.name}: ${Math.round(worker.peakBytes / 1048576)} MB`);
    peakBytes = Math.max(peakBytes, worker.peakBytes);
  }
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  const listed = (await runToEnd(['sources', '--json', '--config', configPath], {}, log, () => undefined)).stdout;
  const rows = new Map((JSON.parse(listed) as SourceRow[]).map((row) => [row.id, row]));
  const logs = await Promise.all([log, ...workers.map((worker) => worker.logPath)].map((path) => readFile(path, 'utf8').catch(() => '')));
  const shown = [listed, ...logs].join('\n');
  // What each source stored, from the store itself (the published window holds the newest 100).
  const client = new Redis(redis.url);
  const keys = storeKeys(prefix);
  const stored = await readStoredArticles(client, keys, await articleJobs(client, prefix));
  client.disconnect();
  const bySource = new Map<string, Article[]>();
  for (const { article } of stored) if (article) bySource.set(article.sourceId, [...(bySource.get(article.sourceId) ?? []), article]);
  const documents = (await Promise.all(['feed.xml', 'atom.xml', 'feed.json'].map((name) => readFile(join(outputDir, name), 'utf8')))).join('\n');
  const view = (id: string): ClassView => {
    const row = rows.get(id);
    return {
      code: row?.lastError?.code ?? (row?.lastPollAt ? 'ok' : 'not polled'),
      state: row?.state ?? 'unknown',
      itemsSeen: row?.itemsSeen ?? 0,
      nextPollAt: row?.nextPollAt ?? null,
      items: bySource.get(id) ?? [],
      documents,
      shown,
    };
  };
  const classes = HOSTILE_CLASSES.map((entry): ClassResult => {
    const seen = view(entry.name);
    const problem = seen.code !== entry.expect ? `outcome ${seen.code}` : (entry.check?.(seen) ?? null);
    return { name: entry.name, expected: entry.expect, outcome: seen.code, problem };
  });
  const unharmed = Array.from({ length: GOOD_SOURCES }, (_, index) => view(`good-${index}`)).filter((seen) => seen.code === 'ok' && seen.items.length === 3).length;
  const reused = /^reused-guids\s+\S+\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(second.stdout);
  return { classes, goodSources: { total: GOOD_SOURCES, unharmed }, reusedGuidUpdates: reused?.[1] === undefined ? null : Number(reused[1]), peakBytes, healthz };
}
