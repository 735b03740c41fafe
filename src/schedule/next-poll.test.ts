import { describe, expect, it } from 'vitest';
import { nextPollAt } from './next-poll.js';

const settings = { defaultInterval: 30 * 60_000, minInterval: 5 * 60_000, maxInterval: 24 * 3_600_000 };
const now = 1_000_000;

describe('nextPollAt', () => {
  it.each([
    ['the configured interval', { interval: 15 * 60_000, ok: true, failures: 0 }, 15 * 60_000],
    ['the default interval', { interval: undefined, ok: true, failures: 0 }, 30 * 60_000],
    ['an interval below the minimum, clamped', { interval: 60_000, ok: true, failures: 0 }, 5 * 60_000],
    ['first failure: the plain interval', { interval: 15 * 60_000, ok: false, failures: 1 }, 15 * 60_000],
    ['third failure: four times the interval', { interval: 15 * 60_000, ok: false, failures: 3 }, 60 * 60_000],
    ['many failures: capped at the maximum', { interval: 15 * 60_000, ok: false, failures: 20 }, 24 * 3_600_000],
  ])('%s', (_name, input, delay) => {
    expect(nextPollAt({ now, settings, random: 0.5, ...input })).toBe(now + delay);
  });

  it('adds at most ±10 % jitter', () => {
    const low = nextPollAt({ now, settings, random: 0, interval: 60 * 60_000, ok: true, failures: 0 });
    const high = nextPollAt({ now, settings, random: 0.999999, interval: 60 * 60_000, ok: true, failures: 0 });
    expect(low).toBe(now + 54 * 60_000);
    expect(high).toBeGreaterThan(now + 65 * 60_000);
    expect(high).toBeLessThanOrEqual(now + 66 * 60_000);
  });
});
