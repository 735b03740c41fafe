/**
 * A weighted semaphore in bytes: at most `capacity` bytes of documents are parsed at once in
 * one process, whatever the poll concurrency. Parsing costs memory in proportion to the
 * document (its text, its tree), so ten 10 MB feeds arriving together wait their turn
 * instead of taking a worker past its memory limit. Small feeds hardly ever wait.
 */
export class ByteBudget {
  private used = 0;
  private readonly queue: Array<{ bytes: number; start: () => void }> = [];

  constructor(readonly capacity: number) {}

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    // A document larger than the whole budget still runs, alone.
    const weight = Math.max(1, Math.min(bytes, this.capacity));
    await this.acquire(weight);
    try {
      return await work();
    } finally {
      this.used -= weight;
      this.drain();
    }
  }

  private acquire(bytes: number): Promise<void> {
    if (this.queue.length === 0 && this.used + bytes <= this.capacity) {
      this.used += bytes;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.queue.push({ bytes, start: resolve });
    });
  }

  /** First come, first served: a large document is not overtaken forever by small ones. */
  private drain(): void {
    for (let next = this.queue[0]; next && this.used + next.bytes <= this.capacity; next = this.queue[0]) {
      this.queue.shift();
      this.used += next.bytes;
      next.start();
    }
  }
}
