/**
 * feedagg processes under test: started from the built CLI, killed, restarted, their memory read.
 * They run as the image runs them: with MALLOC_ENV (src/runtime/malloc-env.ts) unless the
 * environment sets it otherwise; FAULTS_GLIBC_DEFAULT=1 measures without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MALLOC_ENV } from '../../src/runtime/malloc-env.js';

/** FAULTS_GLIBC_DEFAULT=1 runs the processes on glibc's default malloc behaviour (to compare). */
const RUN_ENV: NodeJS.ProcessEnv = process.env.FAULTS_GLIBC_DEFAULT === '1' ? {} : MALLOC_ENV;

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface Exit {
  code: number | null;
  stdout: string;
}

/** Peak resident memory (VmHWM) of a live process, in bytes; 0 when it is gone. */
export function peakRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A long-running command (`start`, `worker`) that can be killed and started again. */
export class FeedaggProcess {
  private child: ChildProcess | null = null;
  starts = 0;
  kills = 0;
  /** The highest VmHWM seen over every incarnation. */
  peakBytes = 0;
  private sampler: NodeJS.Timeout | null = null;

  constructor(readonly name: string, private readonly args: string[], readonly logPath: string, private readonly env: NodeJS.ProcessEnv = {}) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const log = createWriteStream(this.logPath, { flags: 'a' });
    const child = spawn(process.execPath, [CLI, ...this.args], { env: { ...RUN_ENV, ...process.env, LOG_LEVEL: 'info', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.on('exit', () => log.end());
    this.child = child;
    this.starts += 1;
    this.sampler ??= setInterval(() => this.sample(), 100);
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, peakRss(this.child?.pid));
  }

  /** kill -9: no chance to clean up. */
  async crash(): Promise<void> {
    this.sample();
    this.kills += 1;
    await this.signal('SIGKILL');
  }

  /** SIGTERM and wait (a clean stop). */
  async stop(): Promise<number | null> {
    this.sample();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}

/** Run a command to its end, sampling its memory; resolves with its exit code and stdout. */
export function runToEnd(args: string[], env: NodeJS.ProcessEnv, logPath: string, onPeak: (bytes: number) => void): Promise<Exit> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...RUN_ENV, ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.pipe(log);
  const sampler = setInterval(() => onPeak(peakRss(child.pid)), 100);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(sampler);
      resolve({ code, stdout });
    });
  });
}
