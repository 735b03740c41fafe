/**
 * Hostile input: every class of HOSTILE_CLASSES is a source next to good ones, polled by
 * `feedagg run --once` while two `feedagg worker`s share the work. Each class must end with its
 * typed outcome, the good sources must be published whole, and no process may grow past the
 * memory limit.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { FeedaggProcess, runToEnd } from './processes.js';
import type { RedisProcess } from './redis-process.js';
import { Redis } from 'ioredis';
import type { Article } from '../model/article.js';
import { storeKeys } from '../store/keys.js';
import { articleJobs, readStoredArticles } from './stored-articles.js';
import { GOOD_SOURCES, goodFeed, HOSTILE_CLASSES, type ClassView } from './hostile-classes.js';

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

export async function runHostilePhase(redis: RedisProcess, dir: string, progress: (line: string) => void): Promise<HostileResult> {
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
  const outputDir = join(dir, 'hostile-public');
  const configPath = join(dir, 'hostile.yaml');
  await writeFile(configPath, stringify({
    redis: { url: redis.url, prefix },
    output: { dir: outputDir, maxAge: '3650d' },
    // The guard is on: only the feed servers' own addresses are let through, so every
    // redirect to another private address must be refused.
    fetch: { timeout: '4s', maxBodySize: '16MB', allowPrivateNetworks: false, allowAddresses: hosts.map((host) => `${host}/32`), perHostInterval: '1ms', perHostConcurrency: 8 },
    sources: [
      ...HOSTILE_CLASSES.map((entry) => ({ id: entry.name, url: `http://${entry.host ?? '127.0.0.1'}:${portOf(entry.host ?? '127.0.0.1')}/${entry.name}` })),
      ...Array.from({ length: GOOD_SOURCES }, (_, index) => ({ id: `good-${index}`, url: `http://127.0.0.1:${ports.main}/good-${index}` })),
    ],
  }));
  let peakBytes = 0;
  const onPeak = (bytes: number) => (peakBytes = Math.max(peakBytes, bytes));
  const workers = [0, 1].map((index) => new FeedaggProcess(`hostile-worker-${index}`, ['worker', '--config', configPath], join(dir, `hostile-worker-${index}.log`)));
  for (const worker of workers) worker.start();
  progress(`  ${HOSTILE_CLASSES.length} hostile classes and ${GOOD_SOURCES} good sources, polled by run --once and 2 workers`);
  const log = join(dir, 'hostile-run.log');
  await runToEnd(['run', '--once', '--config', configPath], {}, log, onPeak);
  progress('  second round (reused guids must settle)');
  const second = await runToEnd(['run', '--once', '--config', configPath], {}, log, onPeak);
  progress(`  peak RSS of run --once: ${Math.round(peakBytes / 1048576)} MB`);
  for (const worker of workers) {
    await worker.stop();
    progress(`  peak RSS of ${worker.name}: ${Math.round(worker.peakBytes / 1048576)} MB`);
    peakBytes = Math.max(peakBytes, worker.peakBytes);
  }
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  const rows = new Map((JSON.parse((await runToEnd(['sources', '--json', '--config', configPath], {}, log, () => undefined)).stdout) as SourceRow[]).map((row) => [row.id, row]));
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
    };
  };
  const classes = HOSTILE_CLASSES.map((entry): ClassResult => {
    const seen = view(entry.name);
    const problem = seen.code !== entry.expect ? `outcome ${seen.code}` : (entry.check?.(seen) ?? null);
    return { name: entry.name, expected: entry.expect, outcome: seen.code, problem };
  });
  const unharmed = Array.from({ length: GOOD_SOURCES }, (_, index) => view(`good-${index}`)).filter((seen) => seen.code === 'ok' && seen.items.length === 3).length;
  const reused = /^reused-guids\s+\S+\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(second.stdout);
  return { classes, goodSources: { total: GOOD_SOURCES, unharmed }, reusedGuidUpdates: reused?.[1] === undefined ? null : Number(reused[1]), peakBytes };
}
