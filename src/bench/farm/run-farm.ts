#!/usr/bin/env node
/**
 * `npm run bench:farm [N] [-- --same-story] [--profile]`: feedagg against the loop a user would
 * write, on a loopback feed farm of N feeds (default 2,000), every step a whole process, in
 * one run. Prints one table: wall time, feeds per second and peak RSS of each, and what
 * Redis holds afterwards. With --profile, feedagg's rounds run under --cpu-prof and the top
 * self-time functions are printed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { formatTable } from '../../cli/text-table.js';
import { CLI, peakRss } from '../../faults/processes.js';
import { RedisProcess } from '../../faults/redis-process.js';
import { selfTimeByArea, topSelfTime } from './cpu-profile.js';
import { feedUrl } from './farm-feeds.js';
import { commandCounts, countsBetween, redisFootprint, type CommandCounts, type RedisFootprint } from './redis-footprint.js';

interface Measured {
  seconds: number;
  peakBytes: number;
  stdout: string;
  code: number | null;
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);

function measure(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
  const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid))), 20);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0 && code !== 3) progress(`  ${args.slice(1, 3).join(' ')} exited ${code}: ${stderr}`);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakBytes: peak, stdout, code });
    });
  });
}

async function startFarm(feeds: number, mode: string): Promise<{ port: number; stop: () => void; nextRound: () => Promise<void> }> {
  const child = spawn(process.execPath, [here('./farm-server.js'), String(feeds), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  return {
    port,
    stop: () => child.kill('SIGTERM'),
    nextRound: async () => {
      const response = await fetch(`http://127.0.0.1:${port}/round`, { method: 'POST' });
      await response.text();
    },
  };
}

function redisLine(round: string, counts: CommandCounts, feeds: number): string {
  const top = [...counts.byCommand].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, calls]) => `${name} ${(calls / feeds).toFixed(1)}`).join(', ');
  return `Redis per poll, ${round} round: ${(counts.calls / feeds).toFixed(1)} commands, ${(counts.micros / feeds).toFixed(0)} µs of Redis time, ${(counts.inputBytes / feeds / 1024).toFixed(1)} KB in, ${(counts.outputBytes / feeds / 1024).toFixed(1)} KB out (${top})`;
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const row = (name: string, measured: Measured, feeds: number) => [name, `${measured.seconds.toFixed(2)} s`, String(Math.round(feeds / measured.seconds)), mb(measured.peakBytes)];

async function profileLines(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  const out: string[] = [];
  for (const file of files) {
    out.push(`cpu profile ${file}, by area:`, ...(await selfTimeByArea(join(dir, file), 12)).map((line) => `  ${line}`));
    out.push(`cpu profile ${file}, top functions:`, ...(await topSelfTime(join(dir, file), 15)).map((line) => `  ${line}`));
  }
  return out;
}

async function writeConfig(dir: string, redis: RedisProcess, port: number, feeds: number, prefix: string): Promise<string> {
  const config = join(dir, `${prefix}.yaml`);
  await writeFile(config, stringify({
    redis: { url: redis.url, prefix: `{${prefix}}` },
    output: { dir: join(dir, `${prefix}-public`) },
    fetch: { allowPrivateNetworks: true, ...(process.env.FARM_CONCURRENCY ? { concurrency: Number(process.env.FARM_CONCURRENCY) } : {}) },
    sources: Array.from({ length: feeds }, (_, feed) => ({ id: `f${feed}`, url: feedUrl(port, feed) })),
  }));
  return config;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'same-story': { type: 'boolean' }, profile: { type: 'boolean' } } });
  const feeds = Number(positionals[0] ?? 2000);
  const mode = values['same-story'] ? 'same-story' : 'normal';
  const dir = await mkdtemp(join(tmpdir(), 'feedagg-farm-'));
  const profileDir = values.profile ? join(dir, 'profiles') : null;
  const farm = await startFarm(feeds, mode);
  const redis = await RedisProcess.create();
  await redis.start();
  try {
    progress(`farm: ${feeds} feeds (${mode}) on port ${farm.port}; private redis-server ${redis.url}`);
    const naiveArgs = (kind: string) => [here('./naive-loop.js'), String(farm.port), String(feeds), kind, join(dir, `${kind}.xml`)];
    const config = await writeConfig(dir, redis, farm.port, feeds, 'bench');
    const feedaggArgs = (profileName: string) => [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${profileName}.cpuprofile`] : []), CLI, 'run', '--once', '--config', config];
    const env = { LOG_LEVEL: 'warn' };
    progress('round 1: bare fetch + parse');
    const bare = await measure(naiveArgs('bare'));
    progress('round 1: naive loop');
    const naiveFirst = await measure(naiveArgs('naive'));
    const client = new Redis(redis.url);
    const counted = async (run: () => Promise<Measured>): Promise<[Measured, CommandCounts]> => {
      const before = await commandCounts(client);
      const measured = await run();
      return [measured, countsBetween(before, await commandCounts(client))];
    };
    progress('round 1: feedagg run --once (cold)');
    const [cold, coldCounts] = await counted(() => measure(feedaggArgs('cold'), env));
    await farm.nextRound();
    progress('round 2: naive loop');
    const naiveSteady = await measure(naiveArgs('naive'));
    progress('round 2: feedagg run --once (steady)');
    const [steady, steadyCounts] = await counted(() => measure(feedaggArgs('steady'), env));
    const footprint: RedisFootprint = await redisFootprint(client, '{bench}');
    client.disconnect();
    const ratio = (base: Measured, ours: Measured) => (base.seconds / ours.seconds).toFixed(2);
    const lines = [
      `bench:farm, ${feeds} RSS feeds (${mode}), ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, node ${process.version}`,
      formatTable([
        ['', 'WALL TIME', 'FEEDS/S', 'PEAK RSS'],
        row('bare fetch + parse (rss-parser)', bare, feeds),
        row('naive loop, first round', naiveFirst, feeds),
        row('naive loop, steady round', naiveSteady, feeds),
        row('feedagg run --once, cold (every feed new)', cold, feeds),
        row(`feedagg run --once, steady (${Math.round((feeds * 2) / 3)} answer 304)`, steady, feeds),
      ]),
      '',
      `steady round: ${ratio(naiveSteady, steady)}× the naive loop (target ≥ 3); cold round: ${ratio(bare, cold)}× the bare floor (target ≥ 0.5)`,
      `Redis after both rounds: ${mb(footprint.usedBytes)} in all; ${footprint.articles} articles, ${(footprint.storeBytes / Math.max(1, footprint.articles) / 1024).toFixed(2)} KB per article in the store itself (target ≤ 1.5); ${footprint.undeliveredEvents} undelivered events, ${mb(footprint.queueBytes)}`,
      ...[['cold', coldCounts], ['steady', steadyCounts]].map(([name, counts]) => redisLine(String(name), counts as CommandCounts, feeds)),
      ...(profileDir ? await profileLines(profileDir) : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    farm.stop();
    await redis.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:farm: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
