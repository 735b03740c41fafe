/**
 * Doubling check for code that sees untrusted text: time an input of size n and one of 2n
 * and compare. Linear code takes about twice as long; quadratic code four times. The size
 * grows until the smaller input takes at least `minMs` (timer noise), and each size keeps its
 * best of `runs`, so a busy machine slows both sides alike. This is a ratio, never a limit
 * on absolute speed.
 */
export interface DoublingResult {
  n: number;
  msN: number;
  ms2N: number;
  ratio: number;
}

function bestOf(runs: number, run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * `make(n)` builds an input of size n (outside the timing); `run(input)` is timed.
 * Starts at `startN` and doubles until time(n) ≥ `minMs` or n reaches `maxN`.
 */
export function measureDoubling<T>(make: (n: number) => T, run: (input: T) => unknown, options: { startN: number; maxN?: number; minMs?: number; runs?: number }): DoublingResult {
  const minMs = options.minMs ?? 50;
  const runs = options.runs ?? 3;
  const maxN = options.maxN ?? 1 << 24;
  let n = options.startN;
  let input = make(n);
  let msN = bestOf(runs, () => run(input));
  while (msN < minMs && n * 2 <= maxN) {
    n *= 2;
    input = make(n);
    msN = bestOf(runs, () => run(input));
  }
  const doubled = make(n * 2);
  const ms2N = bestOf(runs, () => run(doubled));
  return { n, msN, ms2N, ratio: ms2N / Math.max(msN, 0.001) };
}
