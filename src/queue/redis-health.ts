/**
 * One view of "is Redis there", for a whole process: every connection (ours, and those BullMQ
 * opens for workers, queues and queue events) reports its errors here. A lost connection is
 * logged once, then once every `repeatMs` while it lasts, and its return once; ioredis keeps
 * reconnecting by itself (every 2 s at most, its default back-off). Errors that do not mean
 * "Redis is away" are logged as they come.
 */
import { EventEmitter } from 'node:events';
import type { RedisClient as Redis } from '../store/redis-client.js';
import type { Logger } from 'pino';
import { isRedisUnavailable } from '../store/redis-errors.js';

export interface RedisHealthEvents {
  down: [since: number];
  up: [downForMs: number];
}

export class RedisHealth extends EventEmitter<RedisHealthEvents> {
  private downSince: number | null = null;
  private suppressed = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly log: Logger, private readonly repeatMs = 30_000) {
    super();
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
    redis.on('error', (error: Error) => this.report('redis', error));
    redis.on('close', () => this.lost(new Error('connection closed')));
    redis.on('ready', () => this.restored());
  }

  /** An error from any connection of the process. */
  report(source: string, error: unknown): void {
    if (this.stopped) return;
    if (!isRedisUnavailable(error)) {
      this.log.error({ source, err: error instanceof Error ? error.message : String(error) }, 'redis client error');
      return;
    }
    if (this.downSince === null) this.lost(error, source);
    else this.suppressed += 1;
  }

  /** Shutting down: closing connections is not an outage. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
