/**
 * In-process turns for polls: `fetch.concurrency` polls at once per process, and per host the
 * deployment's perHostConcurrency and perHostInterval, kept here first so that the host gate in
 * Redis (poll-begin.lua) nearly always says go. Before, every poll of a busy host asked Redis,
 * was told to wait, went back to the queue and asked again: 328 Redis commands per poll on a
 * one-host farm (issue 17). Waiters are served in order; nothing here spins.
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
    };
  }

  /**
   * A turn on `host` (its concurrency, and its interval since the last start); resolves with its
   * release and the time waited for it (0 when the host was free: granted at once).
   */
  async turn(host: string): Promise<{ release: () => void; waitedMs: number }> {
    const line = this.hosts.get(host) ?? { active: 0, lastStart: 0, waiters: [], timer: null };
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
    };
    return { release, waitedMs: immediate ? 0 : Date.now() - asked };
  }

  private serve(host: string, line: HostLine): void {
    const { perHost, intervalMs } = this.limits();
    while (line.waiters.length > 0 && line.active < perHost && line.timer === null) {
      const wait = line.lastStart + intervalMs - Date.now();
      if (wait > 0) {
        line.timer = setTimeout(() => {
          line.timer = null;
          this.serve(host, line);
        }, wait);
        return;
      }
      line.active += 1;
      line.lastStart = Date.now();
      line.waiters.shift()?.();
    }
    if (line.active === 0 && line.waiters.length === 0 && line.timer === null) this.hosts.delete(host);
  }
}
