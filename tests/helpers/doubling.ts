/**
 * Doubling check for code that sees untrusted text: time an input of size n and one of 2n
 * and compare. Linear code takes about twice as long; quadratic code four times. The size
 * grows until the smaller input takes at least `minMs` (timer noise), and each size keeps its
 * best of `runs`, so a busy machine slows both sides alike. This is a ratio, never a limit
 * on absolute speed.
 */
import { collectGarbage } from '../../src/runtime/collect-garbage.js';

export interface DoublingResult {
  n: number;
  msN: number;
  ms2N: number;
  ratio: number;
}

function bestOf(runs: number, run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let index = 0; index < runs; index += 1) {
    // The garbage of earlier runs is collected before, not during, the timed one.
    collectGarbage();
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * `make(n)` builds an input of size n (outside the timing); `run(input)` is timed.
 * Starts at `startN` and doubles until time(n) ≥ `minMs` or n reaches `maxN`. The two sizes
 * are timed in turns (n, 2n, n, 2n…) so a burst of load hits both; a ratio of 3 or more is
 * measured once more at twice the size (quadratic code fails again, a noisy moment does not),
 * then once more with twice the runs, and the best attempt is returned.
 */
export function measureDoubling<T>(make: (n: number) => T, run: (input: T) => unknown, options: { startN: number; maxN?: number; minMs?: number; runs?: number }): DoublingResult {
  const minMs = options.minMs ?? 50;
  const runs = options.runs ?? 3;
  const maxN = options.maxN ?? 1 << 24;
  let n = options.startN;
  let input = make(n);
  let msN = bestOf(2, () => run(input));
  while (msN < minMs && n * 2 <= maxN) {
    n *= 2;
    input = make(n);
    msN = bestOf(2, () => run(input));
  }
  const attempt = (size: number, small: T, times = runs): DoublingResult => {
    const doubled = make(size * 2);
    let best = Number.POSITIVE_INFINITY;
    let best2 = Number.POSITIVE_INFINITY;
    for (let index = 0; index < times; index += 1) {
      best = Math.min(best, bestOf(1, () => run(small)));
      best2 = Math.min(best2, bestOf(1, () => run(doubled)));
    }
    return { n: size, msN: best, ms2N: best2, ratio: best2 / Math.max(best, 0.001) };
  };
  const first = attempt(n, input);
  if (first.ratio < 3) return first;
  const second = attempt(n * 2, make(n * 2));
  if (second.ratio < 3) return second;
  // Both above 3 (a whole test suite on two cores can do that to a linear 3.03): once more,
  // with twice the runs. Quadratic code stays near 4 however often it is measured.
  const third = attempt(n, input, runs * 2);
  return [first, second, third].reduce((best, next) => (next.ratio < best.ratio ? next : best));
}
