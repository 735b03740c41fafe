/**
 * The start and the end of polls, a round trip per batch (scripts/poll-begin-batch.lua) and
 * per handful of polls that end together (scripts/poll-finish-batch.lua, FinishQueue): state,
 * decision and the host gate; then state, outcome record and next poll time.
 */
import type { OutcomeRecord, SourceState } from '../model/source-state.js';
import { pollUrl } from '../schedule/source-transition.js';
import { decodeSourceState, encodeFields, HISTORY_FIELD, historyWith, hostOf } from './source-state-store.js';
import { StorePart } from './store-part.js';
import type { Store } from './store.js';


/** `history`: the source's outcome history as stored (HISTORY_FIELD), for its end to extend. */
export type PollStart = { state: SourceState; host: string; history: string | null } & (
  | { status: 'disabled' | 'gone' }
  | { status: 'hold'; until: number }
  /** Another process polls the host now (until: the end of its lease). */
  | { status: 'busy'; until: number }
  | { status: 'go'; url: string });

function flatToRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) out[flat[index] as string] = flat[index + 1] as string;
  return out;
}

export interface BeginOptions {
  /** This process, as the owner of the hosts it polls. */
  owner: string;
  leaseMs: number;
  /** Sources whose host another process owns go back on the schedule this far ahead, or when its lease ends if sooner (batches); 0 leaves them be (a job of one source, which waits in the queue). */
  busyRetryMs: number;
}

export interface PollEnd {
  id: string;
  /** Epoch ms; '+inf' parks a gone source; null leaves the schedule as it is. */
  next: number | '+inf' | null;
  definitionsVersion: number;
  /** Added to the history (`history`: the history the begin read). */
  record: OutcomeRecord | null;
  history?: string | null;
  /** The state before and after (only changed fields are written: a 304 changes 3 or 4 of 20). */
  previous?: SourceState;
  state?: SourceState;
}

interface Pending {
  end: PollEnd;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The polls whose ends are sent together: the most per call, and the longest an end waits. */
const FLUSH_AT = 32;
const FLUSH_AFTER_MS = 10;

/**
 * Poll ends, sent to Redis in one script call per few milliseconds rather than one each; each
 * caller's promise settles when its end is stored (its claim ends only then, so a crash before
 * loses nothing: the poll runs again). Hosts this process is done with go back in the same call.
 */
export class FinishQueue {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    /** Hosts to give back, asked at each call (those with no poll left in this process), with the ms their spacing still runs. */
    private readonly hostsToRelease: () => Array<[string, number]>,
  ) {}

  finish(end: PollEnd): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ end, resolve, reject });
      if (this.pending.length >= FLUSH_AT) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
    });
  }

  /** Give hosts back now (no poll end to carry them). */
  async release(): Promise<void> {
    const hosts = this.hostsToRelease();
    if (hosts.length > 0) await this.send([], hosts);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.send(batch.map((item) => item.end), this.hostsToRelease()).then(
      () => batch.forEach((item) => item.resolve()),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }

  private async send(ends: PollEnd[], hosts: Array<[string, number]>): Promise<void> {
    const { keys } = this.store;
    const keyList = [keys.schedule, keys.redefinedSources, keys.claims, keys.claimJobs, keys.hostOwners];
    const args: Array<string | number> = [this.owner, ends.length];
    for (const end of ends) {
      keyList.push(keys.source(end.id));
      const before = end.previous ? encodeFields(end.previous) : {};
      const fields = end.state ? Object.entries(encodeFields(end.state)).filter(([name, value]) => before[name] !== value).flat() : [];
      if (end.record) fields.push(HISTORY_FIELD, historyWith(end.history, end.record));
      args.push(end.id, end.next === null ? '' : String(end.next), end.definitionsVersion, fields.length, ...fields);
    }
    for (const [host, spacingMs] of hosts) args.push(host, Math.ceil(spacingMs));
    await this.store.scripts.run('poll-finish-batch', keyList, args);
  }
}

/** PollStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class PollStore extends StorePart {
  /** Read the states, decide, and take (or keep) the hosts the polls go to, in one round trip. */
  async beginBatch(sources: Array<{ id: string; url: string; enabled: boolean }>, options: BeginOptions): Promise<PollStart[]> {
    if (sources.length === 0) return [];
    const replies = (await this.scripts.run('poll-begin-batch',
      [this.keys.hostOwners, this.keys.hostHolds, this.keys.schedule, this.keys.claims, this.keys.claimJobs, ...sources.map((source) => this.keys.source(source.id))],
      [options.owner, options.leaseMs, options.busyRetryMs, ...sources.flatMap((source) => [source.id, source.enabled ? 1 : 0, source.url, hostOf(source.url)])],
    )) as Array<[string, string[], string, string]>;
    return sources.map((source, index): PollStart => {
      const [status, flat, host, detail] = replies[index] ?? ['busy', [], hostOf(source.url), '0'];
      const fields = flatToRecord(flat);
      const state = decodeSourceState(source.id, fields);
      const common = { state, host, history: fields[HISTORY_FIELD] ?? null };
      if (status === 'disabled' || status === 'gone') return { ...common, status };
      if (status === 'hold' || status === 'busy') return { ...common, status: status === 'hold' ? 'hold' : 'busy', until: Number(detail) };
      return { ...common, status: 'go', url: pollUrl(source.url, state) };
    });
  }

  /** Extend this process's hold on `hosts`; returns those another process holds now. */
  async renewHosts(owner: string, leaseMs: number, hosts: string[]): Promise<string[]> {
    if (hosts.length === 0) return [];
    return (await this.scripts.run('host-lease', [this.keys.hostOwners], [owner, leaseMs, 'renew', ...hosts])) as string[];
  }

  /** Take `host` for this process (a redirect hop); 0 when taken, else ms until its owner's lease ends. */
  async acquireHost(owner: string, leaseMs: number, host: string): Promise<number> {
    return Number(await this.scripts.run('host-lease', [this.keys.hostOwners], [owner, leaseMs, 'acquire', host]));
  }
}
