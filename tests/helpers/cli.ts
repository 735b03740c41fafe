/** Run the built `feedagg` command (dist/) as a child process, as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // FEEDAGG_LOCAL_REDIS=off: a Redis of the developer's on 6379 is never used by a test's
  // command; tests that want a "local" Redis name the test Redis there.
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', FEEDAGG_CONFIG: undefined, REDIS_URL: undefined, PORT: undefined, FEEDAGG_LOCAL_REDIS: 'off' };
  for (const [name, value] of Object.entries(extra)) env[name] = value;
  return env;
}

export function spawnCli(args: string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`feedagg ${args.join(' ')} did not exit within ${options.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // Give the pipes a moment to drain after exit.
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}
