/** Every command has --help; unknown commands and flags are usage errors. */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('feedagg --help', () => {
  it('lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['start', 'worker', 'run', 'validate', 'parse']) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
  });

  it.each(['start', 'worker', 'run', 'validate', 'parse'])('feedagg %s --help prints its usage', async (name) => {
    const result = await runCli([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: feedagg ${name}`));
  });

  it('rejects an unknown command (exit 2) and an unknown flag (exit 1)', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const flag = await runCli(['validate', '--frob']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/Unknown option '--frob'/);
  });
});
