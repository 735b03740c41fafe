/** A redis-server of its own, on a fixed port and data folder, so it can be killed and restarted (tests, fault suite). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisAnswers } from '../../src/redis/embedded-redis.js';

export class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number, readonly dir: string) {}

  static async create(): Promise<RedisProcess> {
    return new RedisProcess(await freePort(), await mkdtemp(join(tmpdir(), 'feedagg-redis-proc-')));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `fsyncAlways`: every write reaches the disk before the reply, so a SIGKILL loses nothing. */
  async start(options: { fsyncAlways?: boolean } = {}): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'];
    if (options.fsyncAlways) args.push('--appendfsync', 'always');
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await redisAnswers(this.url, 300))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}
