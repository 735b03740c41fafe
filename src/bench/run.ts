#!/usr/bin/env node
/** `npm run bench`: the project's benchmarks (never run as tests). */
import { benchParse } from './parse-throughput.js';

async function main(): Promise<void> {
  for (const line of await benchParse()) process.stdout.write(`${line}\n`);
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
