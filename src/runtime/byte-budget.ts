/**
 * A weighted semaphore in bytes: at most `capacity` bytes of documents are parsed at once in
 * one process, whatever the poll concurrency. Parsing costs memory in proportion to the
 * document (its text, its tree), so ten 10 MB feeds arriving together wait their turn
 * instead of taking a worker past its memory limit. Small feeds hardly ever wait.
 */
export class ByteBudget {
  private used = 0;
  private readonly queue: Array<{ bytes: number; raw: number; start: () => void }> = [];
  /** Bytes of the documents waiting in `queue` (their bodies are held meanwhile). */
  private queued = 0;
  private readonly roomWaiters: Array<{ limit: number; go: () => void }> = [];

  constructor(readonly capacity: number) {}

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    // A document larger than the whole budget still runs, alone.
    const weight = Math.max(1, Math.min(bytes, this.capacity));
    await this.acquire(weight, bytes);
    try {
      return await work();
    } finally {
      this.used -= weight;
      this.drain();
    }
  }

  /**
   * Resolves once at most `limit` bytes of documents wait for the budget. A poll asks before
   * it fetches: a process whose documents pile up (one host's heavy feeds all polled by it)
   * stops fetching more until they are read, instead of holding every body at once.
   */
  room(limit: number): Promise<void> {
    if (this.queued <= limit) return Promise.resolve();
    return new Promise((go) => this.roomWaiters.push({ limit, go }));
  }

  /** `raw`: the document's real size (a weight is capped at the capacity), counted while it waits. */
  private acquire(bytes: number, raw: number): Promise<void> {
    if (this.queue.length === 0 && this.used + bytes <= this.capacity) {
      this.used += bytes;
      return Promise.resolve();
    }
    this.queued += raw;
    return new Promise((resolve) => {
      this.queue.push({ bytes, raw, start: resolve });
    });
  }

  /** First come, first served: a large document is not overtaken forever by small ones. */
  private drain(): void {
    for (let next = this.queue[0]; next && this.used + next.bytes <= this.capacity; next = this.queue[0]) {
      this.queue.shift();
      this.queued -= next.raw;
      this.used += next.bytes;
      next.start();
    }
    for (let index = 0; index < this.roomWaiters.length; ) {
      const waiter = this.roomWaiters[index];
      if (waiter && this.queued <= waiter.limit) {
        this.roomWaiters.splice(index, 1);
        waiter.go();
      } else {
        index += 1;
      }
    }
  }
}
