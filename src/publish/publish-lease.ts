/**
 * One publisher at a time in a deployment: a publish runs under a lease in Redis (SET NX PX,
 * renewed while it runs, given back at its end). Two `start`s, or a `run --once` beside a
 * running start, take turns instead of writing the same files at once. A holder that dies
 * leaves the lease to expire (LEASE_MS).
 */
import { randomUUID } from 'node:crypto';
import { FeedaggError } from '../errors.js';
import type { Store } from '../store/store.js';

export const LEASE_MS = 15_000;

export interface LeaseOptions {
  /** How long to wait for another publisher to finish. */
  waitMs?: number;
  /** Who holds it (shown to a waiting process). */
  holder?: string;
}

export async function withPublishLease<T>(store: Store, run: () => Promise<T>, options: LeaseOptions = {}): Promise<T> {
  const lease = store.deployment;
  const token = `${options.holder ?? `pid ${process.pid}`} ${randomUUID()}`;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  while (!(await lease.takePublishLease(token, LEASE_MS))) {
    if (Date.now() > deadline) {
      const holder = (await lease.publishLeaseHolder())?.replace(/ [0-9a-f-]{36}$/, '') ?? 'nobody now';
      throw new FeedaggError('PUBLISH_BUSY', `another process is publishing (${holder}) and did not finish within ${Math.round((options.waitMs ?? 60_000) / 1000)} s`, { retryable: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const renew = setInterval(() => void lease.renewPublishLease(token, LEASE_MS).catch(() => undefined), LEASE_MS / 3);
  renew.unref();
  try {
    return await run();
  } finally {
    clearInterval(renew);
    await lease.releasePublishLease(token).catch(() => undefined);
  }
}
