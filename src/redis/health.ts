/**
 * One view of "is Redis there", for a whole process: every connection (ours, and those BullMQ
 * opens for workers, queues and queue events) reports its errors here. A lost connection is
 * logged once, then once every `repeatMs` while it lasts, and its return once; ioredis keeps
 * reconnecting by itself (every 2 s at most, its default back-off). Errors that do not mean
 * "Redis is away" are logged as they come.
 */
import { EventEmitter } from 'node:events';
import type { RedisClient as Redis } from './client.js';
import type { Logger } from 'pino';
import { isRedisOutOfMemory, isRedisUnavailable } from './errors.js';

export interface RedisHealthEvents {
  down: [since: number];
  up: [downForMs: number];
}

/** How often a full Redis is probed with a small write: recovery is noticed within this. */
export const OOM_PROBE_MS = 5_000;

export class RedisHealth extends EventEmitter<RedisHealthEvents> {
  private downSince: number | null = null;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private redis: Redis | null = null;
  /** Since when Redis refuses writes (maxmemory reached, noeviction), or null. */
  private fullSince: number | null = null;
  private fullTimers: NodeJS.Timeout[] = [];
  private fullErrors = 0;

  constructor(private readonly log: Logger, private readonly repeatMs = 30_000, private readonly probeKey = 'feedagg:oom-probe') {
    super();
  }

  /** Redis answers but refuses writes: it reached maxmemory (DESIGN.md: noeviction). */
  get outOfMemory(): boolean {
    return this.fullSince !== null;
  }

  get isDown(): boolean {
    return this.downSince !== null;
  }

  /** Milliseconds since the connection was lost, or 0. */
  get downForMs(): number {
    return this.downSince === null ? 0 : Date.now() - this.downSince;
  }

  /** Follow the process's main connection: its 'ready' is the one that says Redis is back. */
  watch(redis: Redis): void {
    this.redis = redis;
    redis.on('error', (error: Error) => this.report('redis', error));
    redis.on('close', () => this.lost(new Error('connection closed')));
    redis.on('ready', () => this.restored());
  }

  /** An error from any connection of the process. */
  report(source: string, error: unknown): void {
    if (this.stopped) return;
    // Out of memory is not a lost connection: Redis is there, it refuses writes.
    if (isRedisOutOfMemory(error)) return this.full(source, error);
    if (!isRedisUnavailable(error)) {
      this.log.error({ source, err: error instanceof Error ? error.message : String(error) }, 'redis client error');
      return;
    }
    if (this.downSince === null) return this.lost(error, source);
    this.suppressed += 1;
    // Each failed reconnect, at debug level only: at info and above an outage is one line and a repeat.
    this.log.debug({ source, errors: this.suppressed }, 'redis still away (error suppressed)');
  }

  /** Shutting down: closing connections is not an outage. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clearFull();
  }

  /** Logged once, then every repeatMs while it lasts; a small write every OOM_PROBE_MS tells when it ends. */
  private full(source: string, error: unknown): void {
    if (this.fullSince !== null) {
      this.fullErrors += 1;
      return;
    }
    this.fullSince = Date.now();
    this.fullErrors = 0;
    this.log.error({ source, err: error instanceof Error ? error.message : String(error) }, 'redis out of memory: it refuses writes (maxmemory reached); polls and publishes wait until memory is freed or maxmemory raised');
    const repeat = setInterval(() => {
      this.log.warn({ outOfMemoryForMs: Date.now() - (this.fullSince ?? Date.now()), errors: this.fullErrors }, 'redis still out of memory');
      this.fullErrors = 0;
    }, this.repeatMs);
    const probe = setInterval(() => void this.probe(), OOM_PROBE_MS);
    repeat.unref();
    probe.unref();
    this.fullTimers = [repeat, probe];
  }

  private async probe(): Promise<void> {
    if (!this.redis || this.redis.status !== 'ready' || this.fullSince === null) return;
    try {
      await this.redis.set(this.probeKey, '1', 'PX', 10_000);
    } catch {
      return; // still full (or away: the connection's own events say so)
    }
    const forMs = Date.now() - this.fullSince;
    this.clearFull();
    this.log.info({ outOfMemoryForMs: forMs }, 'redis accepts writes again');
  }

  private clearFull(): void {
    for (const timer of this.fullTimers) clearInterval(timer);
    this.fullTimers = [];
    this.fullSince = null;
  }

  private lost(error: unknown, source = 'redis'): void {
    if (this.stopped || this.downSince !== null) return;
    this.downSince = Date.now();
    this.suppressed = 0;
    this.log.error({ source, err: error instanceof Error ? error.message : String(error) }, 'redis connection lost; reconnecting');
    this.timer = setInterval(() => {
      this.log.warn({ downForMs: this.downForMs, errors: this.suppressed }, 'redis still unavailable; reconnecting');
      this.suppressed = 0;
    }, this.repeatMs);
    this.timer.unref();
    this.emit('down', this.downSince);
  }

  /** The main connection is ready again. */
  restored(): void {
    if (this.downSince === null || this.stopped) return;
    const downForMs = this.downForMs;
    this.downSince = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.log.info({ downForMs }, 'redis connection restored');
    this.emit('up', downForMs);
  }
}
