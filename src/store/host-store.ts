/**
 * A host's Retry-After, shared by every worker on every machine: no request before the time the
 * host named. Holds live in one hash (host → until, epoch ms) that poll-begin-batch.lua reads
 * once per batch. The per-host gate itself (one owner process per host) is in poll-store.ts.
 */
import { StorePart } from './store-part.js';

/** HostStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class HostStore extends StorePart {
  /** Remember a host's Retry-After (epoch ms), keeping the later of two: no worker sends it a request before then. */
  async holdHost(host: string, until: number): Promise<boolean> {
    return Number(await this.scripts.run('host-hold', [this.keys.hostHolds], [host.toLowerCase(), until])) === 1;
  }

  /** Until when a host asked to be left alone (epoch ms), or null. */
  async hostHold(host: string, now: number): Promise<number | null> {
    const until = Number((await this.redis.hget(this.keys.hostHolds, host.toLowerCase())) ?? 0);
    return until > now ? until : null;
  }

  /** The holds on these hosts that are still on (host → until, epoch ms), in one round trip. */
  async hostHolds(hosts: string[], now: number): Promise<Map<string, number>> {
    const holds = new Map<string, number>();
    const named = hosts.filter(Boolean);
    if (named.length === 0) return holds;
    const values = await this.redis.hmget(this.keys.hostHolds, ...named.map((host) => host.toLowerCase()));
    named.forEach((host, index) => {
      const until = Number(values[index] ?? 0);
      if (until > now) holds.set(host, until);
    });
    return holds;
  }

  /** Lift a host's hold (an operator's `refresh` of a source on that host). */
  async releaseHost(host: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.hostHolds, host.toLowerCase())) > 0;
  }
}
