/**
 * A full garbage collection, on request. V8 lets the heap grow well past what is live before
 * it collects (a 5 MB feed of 100k entries leaves over 100 MB of garbage), so a worker that
 * has just parsed a large document asks for a collection rather than carry that garbage into
 * the next one. Node offers `gc` only with --expose-gc; the flag can be set at run time and
 * the function read from a fresh context (the documented way to reach it without a CLI flag).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

function load(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    return typeof found === 'function' ? (found as () => void) : null;
  } catch {
    return null;
  }
}

/** Collect now when the runtime allows it; a no-op otherwise. */
export function collectGarbage(): void {
  if (gc === undefined) gc = load();
  gc?.();
}

/** Heap in use (live and garbage) past which a poll is followed by a full collection. */
export const HEAP_FLOOR_BYTES = 64 * 1024 * 1024;

/**
 * Keeps a worker's heap near what is live. V8 sizes its next collection by how cheap the
 * last ones were: a worker polling thousands of small feeds collects seldom and its heap (so
 * its RSS) grew to 600 MB at 10,000 sources, with under 100 MB live. After a poll, when the
 * heap in use passes max(96 MB, 1.5 × what was live after the last collection), this
 * collects: about one collection of 20–60 ms per second of busy polling.
 */
export class HeapPacer {
  private limit: number;
  collections = 0;
  /** Milliseconds spent in the collections this pacer asked for. */
  collectingMs = 0;

  constructor(private readonly floor = HEAP_FLOOR_BYTES, private readonly heapUsed = () => getHeapStatistics().used_heap_size, private readonly collect = collectGarbage) {
    this.limit = floor;
  }

  /** After a poll: collect when the heap grew past the limit. Returns true when it did. */
  check(): boolean {
    if (this.heapUsed() < this.limit) return false;
    const started = performance.now();
    this.collect();
    this.collectingMs += performance.now() - started;
    this.collections += 1;
    this.limit = Math.max(this.floor, 1.5 * this.heapUsed());
    return true;
  }
}
