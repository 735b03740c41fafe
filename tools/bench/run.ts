#!/usr/bin/env node
/** `npm run bench`: the project's benchmarks (never run as tests). */
import { benchDedupe } from './dedupe-cost.js';
import { benchParse } from './parse-throughput.js';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'parse') for (const line of await benchParse()) process.stdout.write(`${line}\n`);
  if (!only || only === 'dedupe') for (const line of await benchDedupe(Number(process.env.BENCH_ARTICLES ?? 100_000))) process.stdout.write(`${line}\n`);
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
