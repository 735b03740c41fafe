/**
 * What one poll costs, by kind, for "Scaling on paper" in docs/performance.md: runs of `feedagg run
 * --once` over subsets of the farm that all answer alike (304; 200 with an unchanged body;
 * 200 with one new item), each less the CPU of a run with no sources (start-up and publish).
 */
import { CLI } from '../../faults/processes.js';
import type { RedisClient as Redis } from '../../../src/redis/client.js';
import type { FeedFarm } from './farm-feeds.js';
import { measure, type Measured } from './measure.js';
import { commandCounts, countsBetween, type CommandCounts } from './redis-footprint.js';

export interface PollCost {
  kind: string;
  polls: number;
  /** feedagg's CPU per 1,000 polls, less start-up. */
  nodeSecondsPer1000: number;
  redisSecondsPer1000: number;
  commandsPerPoll: number;
  kbInPerPoll: number;
  kbOutPerPoll: number;
}

export interface CostRunner {
  farm: FeedFarm;
  feeds: number;
  redis: Redis;
  /** Writes a config polling these feeds (by number) under the bench prefix; returns its path. */
  config(feeds: number[], name: string): Promise<string>;
  nextRound(): Promise<void>;
  round: number;
}

async function counted(redis: Redis, run: () => Promise<Measured>): Promise<[Measured, CommandCounts]> {
  const before = await commandCounts(redis);
  const measured = await run();
  return [measured, countsBetween(before, await commandCounts(redis))];
}

export async function pollCosts(runner: CostRunner, progress: (line: string) => void): Promise<PollCost[]> {
  const env = { LOG_LEVEL: 'warn' };
  const all = Array.from({ length: runner.feeds }, (_, feed) => feed);
  const once = (path: string) => measure([CLI, 'run', '--once', '--config', path], env, progress);
  progress('costs: a run with no sources (start-up and publish)');
  const [empty, emptyCounts] = await counted(runner.redis, async () => once(await runner.config([], 'costs-empty')));
  const kinds: Array<[string, number[]]> = [
    ['304 Not Modified', all.filter((feed) => runner.farm.validators(feed) !== 'none')],
    ['200, body unchanged', all.filter((feed) => runner.farm.validators(feed) === 'none')],
  ];
  const costs: PollCost[] = [];
  const record = (kind: string, polls: number, measured: Measured, counts: CommandCounts) => {
    const per = (value: number) => value / Math.max(1, polls);
    costs.push({
      kind,
      polls,
      nodeSecondsPer1000: per(measured.cpuSeconds - empty.cpuSeconds) * 1000,
      redisSecondsPer1000: per(counts.cpuSeconds - emptyCounts.cpuSeconds) * 1000,
      commandsPerPoll: per(counts.calls - emptyCounts.calls),
      kbInPerPoll: per(counts.inputBytes - emptyCounts.inputBytes) / 1024,
      kbOutPerPoll: per(counts.outputBytes - emptyCounts.outputBytes) / 1024,
    });
  };
  for (const [kind, feeds] of kinds) {
    progress(`costs: ${feeds.length} polls, ${kind}`);
    const [measured, counts] = await counted(runner.redis, async () => once(await runner.config(feeds, 'costs')));
    record(kind, feeds.length, measured, counts);
  }
  const before = runner.round;
  await runner.nextRound();
  const changed = all.filter((feed) => runner.farm.newestSerial(feed, runner.round) !== runner.farm.newestSerial(feed, before));
  progress(`costs: ${changed.length} polls, 200 with one new item`);
  const [measured, counts] = await counted(runner.redis, async () => once(await runner.config(changed, 'costs')));
  record('200, one new item of 20', changed.length, measured, counts);
  return costs;
}
