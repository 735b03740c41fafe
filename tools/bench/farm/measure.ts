/** One measured child process: wall time, peak RSS (VmHWM) and CPU time (cpu-report.ts). */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRss } from '../../faults/processes.js';

export interface Measured {
  seconds: number;
  peakBytes: number;
  /** User + system CPU of the whole process (all threads). */
  cpuSeconds: number;
  stdout: string;
  code: number | null;
}

const CPU_REPORT = fileURLToPath(new URL('./cpu-report.js', import.meta.url));
let runs = 0;

export async function measure(args: string[], env: NodeJS.ProcessEnv = {}, onFailure: (line: string) => void = () => undefined): Promise<Measured> {
  const cpuFile = join(tmpdir(), `feedagg-bench-cpu-${process.pid}-${(runs += 1)}.json`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', CPU_REPORT, ...args], { env: { ...process.env, ...env, FEEDAGG_BENCH_CPU_FILE: cpuFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
  const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid))), 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0 && code !== 3) onFailure(`  ${args.slice(1, 3).join(' ')} exited ${code}: ${stderr}`);
  const cpu = JSON.parse(await readFile(cpuFile, 'utf8').catch(() => '{}')) as { userMicros?: number; systemMicros?: number };
  await rm(cpuFile, { force: true });
  return { seconds, peakBytes: peak, cpuSeconds: ((cpu.userMicros ?? 0) + (cpu.systemMicros ?? 0)) / 1e6, stdout, code };
}

/** The run with the median wall time; the peak RSS is the highest of all. */
export function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)] as Measured;
  return { ...middle, peakBytes: Math.max(...runs.map((run) => run.peakBytes)) };
}
