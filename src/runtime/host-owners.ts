/**
 * The hosts this process polls now, as their owner (see scripts/poll-begin-batch.lua: one
 * process per host at a time, the per-host limits kept in process by PollSlots). A host is
 * pinned by every poll of it under way; its lease is renewed while any is, and it is given
 * back (with the next poll ends, FinishQueue) once none is left.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

/** How long a host stays this process's after the last renewal: what a crash costs the host's other sources. */
export const HOST_LEASE_MS = 10_000;
const RENEW_EVERY_MS = 3_000;

export class HostOwners {
  /** This process as an owner: unique across machines and restarts. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly pins = new Map<string, number>();
  private readonly unpinned = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: Store, private readonly log: Logger) {}

  pin(host: string): void {
    this.pins.set(host, (this.pins.get(host) ?? 0) + 1);
    this.unpinned.delete(host);
    this.timer ??= setInterval(() => this.renew(), RENEW_EVERY_MS).unref();
  }

  unpin(host: string): void {
    const left = (this.pins.get(host) ?? 0) - 1;
    if (left > 0) {
      this.pins.set(host, left);
      return;
    }
    this.pins.delete(host);
    this.unpinned.add(host);
    if (this.pins.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Hosts with no poll left here since the last call, to give back, each with the ms its spacing still runs (the next owner waits them). */
  takeUnpinned(spacingLeft: (host: string) => number): Array<[string, number]> {
    const hosts = [...this.unpinned].filter((host) => !this.pins.has(host));
    this.unpinned.clear();
    return hosts.map((host) => [host, spacingLeft(host)]);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private renew(): void {
    const hosts = [...this.pins.keys()];
    this.store.polls.renewHosts(this.owner, HOST_LEASE_MS, hosts).then((lost) => {
      // Only after a stall longer than the lease: another process took the host meanwhile.
      if (lost.length > 0) this.log.warn({ hosts: lost }, 'another process took hosts this one still polls (a stall longer than the host lease)');
    }, (error: unknown) => this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'renewing the host leases failed; they end by themselves'));
  }
}
