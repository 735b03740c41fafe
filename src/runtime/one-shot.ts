/**
 * A one-shot command (`run --once`, `refresh`, `sources`) never waits forever and never
 * leaves a process behind (DESIGN.md "CLI"):
 * - while its Redis is away for ONE_SHOT_REDIS_WAIT_MS it gives up (exit 1, with the reason),
 *   instead of reconnecting for as long as a service would;
 * - SIGINT or SIGTERM, at any point from start-up on, stops it in order: the work is
 *   abandoned, what finished is reported by the command, and the runtime is closed (the
 *   private redis-server this process started stops with it); a second signal forces it.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import { FeedaggError } from '../errors.js';
import { openRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

/** With the close that follows (forced: there is no Redis to close against), the command exits 1 well within 20 s. */
export const ONE_SHOT_REDIS_WAIT_MS = 12_000;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export class Interrupted extends FeedaggError {
  constructor(readonly signal: NodeJS.Signals) {
    super('INTERNAL', `stopped by ${signal}`);
  }
}

/** Rejects when Redis stays away for `waitMs` (or the shared private server is gone for good). */
function redisGone(runtime: Runtime, waitMs: number): Promise<never> {
  return new Promise((_, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const fail = (reason: string) => reject(new FeedaggError('REDIS_UNAVAILABLE', reason));
    const arm = () => {
      timer ??= setTimeout(() => fail(`Redis at ${runtime.target.url} did not answer for ${Math.round(waitMs / 1000)} s; giving up (is feedagg start or the Redis server running?)`), waitMs);
      timer.unref();
    };
    if (runtime.health.isDown) arm();
    runtime.health.on('down', arm);
    runtime.health.on('up', () => {
      if (timer) clearTimeout(timer);
      timer = null;
    });
    void runtime.fatal.then(fail);
  });
}

/**
 * Open the runtime, run `work` with it, close it; stopped early by a lasting Redis outage or
 * a signal. `work` gets a promise that rejects on either, to race its own waits against.
 */
export async function runOneShot<T>(config: Config, log: Logger, work: (runtime: Runtime, stop: Promise<never>) => Promise<T>, options: RuntimeOptions & { waitMs?: number } = {}): Promise<T> {
  const waitMs = options.waitMs ?? ONE_SHOT_REDIS_WAIT_MS;
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<never>((_, reject) => {
    let count = 0;
    onSignal = (signal) => {
      count += 1;
      // A second signal: the close below is taking too long.
      if (count > 1) process.exit(130);
      log.warn({ signal }, 'stopping: closing connections and the private redis-server (a second signal forces the exit)');
      reject(new Interrupted(signal));
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
  });
  signalled.catch(() => undefined);
  try {
    // A signal during start-up still lets the runtime finish opening, so it can be closed.
    const opening = openRuntime(config, log, undefined, options);
    const runtime = await Promise.race([opening, signalled]).catch(async (error: unknown) => {
      if (error instanceof Interrupted) await (await opening.catch(() => null))?.close();
      throw error;
    });
    const stop = Promise.race([signalled, redisGone(runtime, waitMs)]);
    stop.catch(() => undefined);
    let redisLost = false;
    try {
      return await Promise.race([work(runtime, stop), stop]);
    } catch (error) {
      redisLost = error instanceof FeedaggError && error.code === 'REDIS_UNAVAILABLE' && runtime.health.isDown;
      throw error;
    } finally {
      // Without Redis a graceful close would only wait for its deadline.
      if (redisLost) await runtime.forceClose();
      else await runtime.close();
    }
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}
