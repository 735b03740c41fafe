/**
 * In-process turns for polls: `fetch.concurrency` polls at once per process, and per host the
 * deployment's perHostConcurrency and perHostInterval. A host is polled by one process at a
 * time (its owner, see scripts/poll-begin-batch.lua), so these turns are the per-host limits
 * of the whole deployment, kept without a Redis command per request. Before, every poll of a
 * busy host asked Redis, was told to wait, went back to the queue and asked again: 328 Redis
 * commands per poll on a one-host farm (issue 17). Waiters are served in order; nothing spins.
 */
interface HostLine {
  active: number;
  lastStart: number;
  waiters: Array<() => void>;
  timer: NodeJS.Timeout | null;
}

export class PollSlots {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly hosts = new Map<string, HostLine>();
  private readonly spaced = new Map<string, HostLine>();
  /** The last start on hosts whose line has ended, while their spacing still runs (a new line keeps it). */
  private readonly recent = new Map<string, number>();

  constructor(private readonly limits: () => { concurrency: number; perHost: number; intervalMs: number }) {}

  /** A poll slot of this process; resolves with its release. */
  async slot(): Promise<() => void> {
    if (this.active >= this.limits().concurrency) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.waiters.shift()?.();
      this.pumpSpaced();
    };
  }

  /**
   * A turn on `host` (its concurrency, and its interval since the last start); resolves with its
   * release and the time waited for it (0 when the host was free: granted at once).
   */
  async turn(host: string): Promise<{ release: () => void; waitedMs: number }> {
    const line = this.hosts.get(host) ?? { active: 0, lastStart: this.recent.get(host) ?? 0, waiters: [], timer: null };
    this.recent.delete(host);
    this.hosts.set(host, line);
    const asked = Date.now();
    let servedAtOnce = false;
    let pending = true;
    const granted = new Promise<void>((resolve) => {
      line.waiters.push(() => {
        servedAtOnce = pending;
        resolve();
      });
      this.serve(host, line);
    });
    // Served inside serve() above, before this line: the host was free.
    pending = false;
    const immediate = servedAtOnce;
    await granted;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      line.active -= 1;
      this.serve(host, line);
      this.pumpSpaced();
    };
    return { release, waitedMs: immediate ? 0 : Date.now() - asked };
  }

  /** Ms until `host` may see its next start (its spacing): what the next owner of the host waits. */
  spacingLeft(host: string): number {
    const last = this.hosts.get(host)?.lastStart ?? this.recent.get(host) ?? 0;
    return Math.max(0, last + this.limits().intervalMs - Date.now());
  }

  private remember(host: string, lastStart: number, intervalMs: number): void {
    this.recent.set(host, lastStart);
    if (this.recent.size > 1000) {
      const now = Date.now();
      for (const [name, at] of this.recent) if (at + intervalMs <= now) this.recent.delete(name);
    }
  }

  /** Would a turn on `host` wait now (its line full, queued or spacing)? */
  wouldWait(host: string): boolean {
    const line = this.hosts.get(host);
    if (!line) return false;
    const { perHost, intervalMs } = this.limits();
    return line.waiters.length > 0 || line.active >= perHost || line.timer !== null || Date.now() < line.lastStart + intervalMs;
  }

  /**
   * Lines waiting out their spacing are also served from here, whenever a poll gives back its
   * slot or turn: a timer fires only when the event loop comes round to it (2 ms a start for a
   * 1 ms interval on a busy loop, measured), and these releases come far more often.
   */
  private pumpSpaced(): void {
    for (const [host, line] of this.spaced) {
      if (line.lastStart + this.limits().intervalMs <= Date.now()) this.serve(host, line);
    }
  }

  private serve(host: string, line: HostLine): void {
    const { perHost, intervalMs } = this.limits();
    if (line.timer !== null) {
      if (line.lastStart + intervalMs > Date.now()) return;
      clearTimeout(line.timer);
      line.timer = null;
      this.spaced.delete(host);
    }
    while (line.waiters.length > 0 && line.active < perHost) {
      // Whole milliseconds, as Redis TIME gave them to the gate before (issue 17).
      const wait = line.lastStart + intervalMs - Date.now();
      if (wait > 0) {
        this.spaced.set(host, line);
        line.timer = setTimeout(() => {
          line.timer = null;
          this.spaced.delete(host);
          this.serve(host, line);
        }, Math.ceil(wait));
        return;
      }
      line.active += 1;
      line.lastStart = Date.now();
      line.waiters.shift()?.();
    }
    if (line.active === 0 && line.waiters.length === 0 && line.timer === null) {
      this.hosts.delete(host);
      if (intervalMs > 0) this.remember(host, line.lastStart, intervalMs);
    }
  }
}
