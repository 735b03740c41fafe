#!/usr/bin/env node
/**
 * `npm run bench:farm [N] [-- --same-story] [--hosts one|many] [--repeat R] [--quick] [--profile]`: feedagg
 * against the loop a user would write, on a loopback feed farm of N feeds (default 2,000),
 * every step a whole process, in one run. Prints one table (wall time, feeds per second, peak
 * RSS, CPU), what Redis holds afterwards, Redis work per poll, and the cost of one poll by
 * kind. Steady rounds and the bare loop run R times (default 3; each steady round changes
 * another 10 % of the farm) and show the median. --quick: one of each, no events-off rows and
 * no cost runs. --profile: feedagg's rounds run under --cpu-prof, the top costs are printed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { formatTable } from '../../../src/cli/text-table.js';
import { CLI } from '../../faults/processes.js';
import { RedisProcess } from '../../faults/redis-process.js';
import { selfTimeByArea, topSelfTime } from './cpu-profile.js';
import { pollCosts, type CostRunner, type PollCost } from './farm-costs.js';
import { FeedFarm, feedUrl, LOOP_CONCURRENCY, type FarmHosts, type FarmMode } from './farm-feeds.js';
import { measure, median, type Measured } from './measure.js';
import { bytesPerSource, commandCounts, countsBetween, redisFootprint, type CommandCounts } from './redis-footprint.js';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function startFarm(feeds: number, mode: FarmMode): Promise<{ port: number; stop: () => void; nextRound: () => Promise<void> }> {
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

function redisLine(round: string, counts: CommandCounts, polls: number): string {
  const top = [...counts.byCommand].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, calls]) => `${name} ${(calls / polls).toFixed(1)}`).join(', ');
  return `Redis per poll, ${round}: ${(counts.calls / polls).toFixed(1)} commands (counting those inside scripts), ${((counts.cpuSeconds / polls) * 1e6).toFixed(0)} µs of Redis CPU, ${(counts.inputBytes / polls / 1024).toFixed(1)} KB in, ${(counts.outputBytes / polls / 1024).toFixed(1)} KB out (${top})`;
}

async function profileLines(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const out: string[] = [];
  for (const file of files) {
    out.push(`cpu profile ${file}, by area:`, ...(await selfTimeByArea(join(dir, file), 12)).map((line) => `  ${line}`));
    out.push(`cpu profile ${file}, top functions:`, ...(await topSelfTime(join(dir, file), 15)).map((line) => `  ${line}`));
  }
  return out;
}

interface Variant {
  name: string;
  prefix: string;
  config: string;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'same-story': { type: 'boolean' }, profile: { type: 'boolean' }, quick: { type: 'boolean' }, repeat: { type: 'string' }, hosts: { type: 'string' } } });
  const hosts: FarmHosts = values.hosts === 'one' ? 'one' : 'many';
  const feeds = Number(positionals[0] ?? 2000);
  const mode: FarmMode = values['same-story'] ? 'same-story' : 'normal';
  const quick = values.quick === true;
  const repeat = quick ? 1 : Math.max(1, Number(values.repeat ?? 3));
  const dir = await mkdtemp(join(tmpdir(), 'feedagg-farm-'));
  const profileDir = values.profile ? join(dir, 'profiles') : null;
  const farm = await startFarm(feeds, mode);
  const model = new FeedFarm(feeds, mode);
  let round = 0;
  const nextRound = async () => {
    await farm.nextRound();
    round += 1;
  };
  const redis = await RedisProcess.create();
  await redis.start();
  const client = new Redis(redis.url);
  const all = Array.from({ length: feeds }, (_, feed) => feed);
  const writeConfig = async (name: string, prefix: string, list: number[], extra: Record<string, unknown> = {}) => {
    const path = join(dir, `${name}.yaml`);
    await writeFile(path, stringify({
      redis: { url: redis.url, prefix: `{${prefix}}` },
      output: { dir: join(dir, `${prefix}-public`) },
      // One host: it allows what the loop does to it (LOOP_CONCURRENCY at once, no spacing to speak of).
      fetch: { allowPrivateNetworks: true, ...(hosts === 'one' ? { perHostConcurrency: LOOP_CONCURRENCY, perHostInterval: '1ms' } : {}), ...(process.env.FARM_CONCURRENCY ? { concurrency: Number(process.env.FARM_CONCURRENCY) } : {}) },
      sources: list.map((feed) => ({ id: `f${feed}`, url: feedUrl(farm.port, feed, hosts) })),
      ...extra,
    }));
    return path;
  };
  try {
    progress(`farm: ${feeds} feeds (${mode}, ${hosts === 'one' ? 'all on one host' : 'a host per feed'}) on port ${farm.port}; private redis-server ${redis.url}`);
    const variants: Variant[] = [{ name: 'feedagg run --once', prefix: 'bench', config: await writeConfig('bench', 'bench', all) }];
    if (!quick) variants.push({ name: 'feedagg, articles.enabled: false', prefix: 'quiet', config: await writeConfig('quiet', 'quiet', all, { articles: { enabled: false } }) });
    const naiveArgs = (kind: string) => [here('./naive-loop.js'), String(farm.port), String(feeds), kind, join(dir, `${kind}.xml`), hosts];
    const feedaggArgs = (variant: Variant, profileName: string) => [...(profileDir && variant.prefix === 'bench' ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${profileName}.cpuprofile`] : []), CLI, 'run', '--once', '--config', variant.config];
    const env = { LOG_LEVEL: 'warn' };
    const run = (args: string[], runEnv: NodeJS.ProcessEnv = {}) => measure(args, runEnv, progress);
    const counted = async (body: () => Promise<Measured>): Promise<[Measured, CommandCounts]> => {
      const before = await commandCounts(client);
      const measured = await body();
      return [measured, countsBetween(before, await commandCounts(client))];
    };

    const bareRuns: Measured[] = [];
    for (let index = 0; index < repeat; index += 1) {
      progress(`round 1: bare fetch + parse (${index + 1}/${repeat})`);
      bareRuns.push(await run(naiveArgs('bare')));
    }
    progress('round 1: naive loop');
    const naiveFirst = await run(naiveArgs('naive'));
    const cold = new Map<string, [Measured, CommandCounts]>();
    for (const variant of variants) {
      progress(`round 1: ${variant.name} (cold)`);
      cold.set(variant.prefix, await counted(() => run(feedaggArgs(variant, 'cold'), env)));
    }
    const naiveSteady: Measured[] = [];
    const steady = new Map<string, Measured[]>(variants.map((variant) => [variant.prefix, []]));
    let steadyCounts: CommandCounts | null = null;
    for (let index = 0; index < repeat; index += 1) {
      await nextRound();
      progress(`round ${round + 1}: naive loop`);
      naiveSteady.push(await run(naiveArgs('naive')));
      for (const variant of variants) {
        progress(`round ${round + 1}: ${variant.name} (steady)`);
        const [measured, counts] = await counted(() => run(feedaggArgs(variant, `steady-${index + 1}`), env));
        steady.get(variant.prefix)?.push(measured);
        if (variant.prefix === 'bench' && index === 0) steadyCounts = counts;
      }
    }
    const footprint = await redisFootprint(client, '{bench}');
    const quiet = quick ? null : await redisFootprint(client, '{quiet}');
    const perSource = await bytesPerSource(client, '{bench}', all.slice(0, 200).map((feed) => `f${feed}`));
    const sharedStory = mode === 'same-story' ? await sharedStoryLine(client) : null;
    const runner: CostRunner = { farm: model, feeds, redis: client, nextRound, config: (list, name) => writeConfig(name, 'bench', list), get round() { return round; } };
    const costs = quick ? [] : await pollCosts(runner, progress);
    client.disconnect();

    const bare = median(bareRuns);
    const naive = median(naiveSteady);
    const row = (name: string, measured: Measured) => [name, `${measured.seconds.toFixed(2)} s`, String(Math.round(feeds / measured.seconds)), mb(measured.peakBytes), `${measured.cpuSeconds.toFixed(1)} s`];
    const rows = [
      row(`bare fetch + parse (rss-parser)${repeat > 1 ? `, median of ${repeat}` : ''}`, bare),
      row('naive loop, first round', naiveFirst),
      row(`naive loop, steady round${repeat > 1 ? `, median of ${repeat}` : ''}`, naive),
    ];
    for (const variant of variants) {
      rows.push(row(`${variant.name}, cold (every feed new)`, cold.get(variant.prefix)?.[0] as Measured));
      rows.push(row(`${variant.name}, steady${repeat > 1 ? `, median of ${repeat}` : ''}`, median(steady.get(variant.prefix) ?? [])));
    }
    const ratio = (base: Measured, ours: Measured) => (base.seconds / ours.seconds).toFixed(2);
    const ours = median(steady.get('bench') ?? []);
    const answered304 = all.filter((feed) => model.validators(feed) !== 'none').length;
    const lines = [
      `bench:farm, ${feeds} RSS feeds (${mode}, ${hosts === 'one' ? `one host, perHostConcurrency ${LOOP_CONCURRENCY}` : 'a host per feed'}; ${answered304} of them answer 304 when unchanged), ${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, node ${process.version}`,
      formatTable([['', 'WALL TIME', 'FEEDS/S', 'PEAK RSS', 'CPU'], ...rows]),
      '',
      `steady round: ${ratio(naive, ours)}× the naive loop (target ≥ 3); cold round: ${ratio(bare, cold.get('bench')?.[0] as Measured)}× the bare floor (target ≥ 0.5)`,
      `Redis after all rounds: ${mb(footprint.prefixBytes)} under the prefix (${mb(footprint.usedBytes)} used by the server, both variants); ${footprint.articles} articles, ${(footprint.storeBytes / Math.max(1, footprint.articles) / 1024).toFixed(2)} KB per article in the store itself (target ≤ 1.5); ${footprint.undeliveredEvents} undelivered events, ${mb(footprint.queueBytes)}, so ${mb(footprint.prefixBytes - footprint.queueBytes)} without them`
        + (quiet ? `; with articles.enabled: false, ${mb(quiet.prefixBytes)} under the prefix, ${mb(quiet.storeBytes)} of it the store (${(quiet.storeBytes / Math.max(1, quiet.articles) / 1024).toFixed(2)} KB per article)` : ''),
      `Redis per source: ${(perSource / 1024).toFixed(2)} KB (state, seen entries, listing, schedule)`,
      ...(sharedStory ? [sharedStory] : []),
      redisLine('cold round', cold.get('bench')?.[1] as CommandCounts, feeds),
      ...(steadyCounts ? [redisLine('steady round', steadyCounts, feeds)] : []),
      ...(costs.length > 0 ? ['', costTable(costs)] : []),
      ...(profileDir ? await profileLines(profileDir) : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    farm.stop();
    client.disconnect();
    await redis.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

function costTable(costs: PollCost[]): string {
  return formatTable([
    ['ONE POLL, BY KIND', 'POLLS', 'FEEDAGG CPU / 1000', 'REDIS CPU / 1000', 'COMMANDS', 'KB IN', 'KB OUT'],
    ...costs.map((cost) => [cost.kind, String(cost.polls), `${cost.nodeSecondsPer1000.toFixed(2)} s`, `${cost.redisSecondsPer1000.toFixed(2)} s`, cost.commandsPerPoll.toFixed(1), cost.kbInPerPoll.toFixed(1), cost.kbOutPerPoll.toFixed(1)]),
  ]);
}

/** The wire story every feed carries: how many sources it has, what its meta and events hold. */
async function sharedStoryLine(client: Redis): Promise<string> {
  const metas = await client.hgetall('{bench}:store:art');
  let best: { id: string; sources: number; kept: number; version: number; bytes: number } | null = null;
  for (const [id, json] of Object.entries(metas)) {
    const meta = JSON.parse(json) as unknown[];
    const sources = Number(meta[9]);
    if (!best || sources > best.sources) best = { id, sources, kept: (meta[10] as unknown[]).length, version: Number(meta[0]), bytes: json.length };
  }
  return best ? `the shared story: ${best.sources} sources, ${best.kept} kept in its provenance, version ${best.version} (events: one per version), meta ${(best.bytes / 1024).toFixed(1)} KB` : 'the shared story: not found';
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench:farm: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
