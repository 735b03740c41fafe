import { describe, expect, it } from 'vitest';
import { nextPollAt, pollInterval, type NextPollInput } from './next-poll.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const settings = { defaultInterval: 30 * MIN, minInterval: 5 * MIN, maxInterval: 24 * HOUR };
const now = Date.parse('2026-11-26T10:00:00Z');
const base: NextPollInput = { now, settings, ok: true, failures: 0, random: 0.5 };

describe('pollInterval', () => {
  it.each([
    ['the configured interval', { interval: 15 * MIN }, 15 * MIN],
    ['the default without cadence', {}, 30 * MIN],
    ['half the observed cadence', { cadence: 4 * HOUR }, 2 * HOUR],
    ['the configured interval over the cadence', { interval: 10 * MIN, cadence: 4 * HOUR }, 10 * MIN],
    ['a cadence below the minimum, clamped', { cadence: 2 * MIN }, 5 * MIN],
    ['<ttl> longer than the interval wins', { interval: 15 * MIN, freshFor: [60 * MIN, null] }, 60 * MIN],
    ['Cache-Control max-age shorter than the interval is ignored', { interval: 60 * MIN, freshFor: [10 * MIN] }, 60 * MIN],
    ['sy:updatePeriod daily', { freshFor: [null, 24 * HOUR] }, 24 * HOUR],
    ['a huge max-age, clamped to the maximum', { freshFor: [30 * 24 * HOUR] }, 24 * HOUR],
    ['first failure: the plain interval', { interval: 15 * MIN, ok: false, failures: 1 }, 15 * MIN],
    ['third failure: four times', { interval: 15 * MIN, ok: false, failures: 3 }, 60 * MIN],
    ['many failures: the maximum', { interval: 15 * MIN, ok: false, failures: 20 }, 24 * HOUR],
    ['a failing source: the maximum', { interval: 15 * MIN, failing: true }, 24 * HOUR],
  ] as Array<[string, Partial<NextPollInput>, number]>)('%s', (_name, input, expected) => {
    expect(pollInterval({ ...base, ...input })).toBe(expected);
  });
});

describe('nextPollAt', () => {
  it('adds at most ±10 % jitter', () => {
    expect(nextPollAt({ ...base, interval: HOUR, random: 0 })).toBe(now + 54 * MIN);
    expect(nextPollAt({ ...base, interval: HOUR, random: 0.5 })).toBe(now + HOUR);
    const high = nextPollAt({ ...base, interval: HOUR, random: 0.999999 });
    expect(high).toBeGreaterThan(now + 65 * MIN);
    expect(high).toBeLessThanOrEqual(now + 66 * MIN);
  });

  it('never polls before a Retry-After time', () => {
    expect(nextPollAt({ ...base, interval: 15 * MIN, retryAfter: now + 3 * HOUR })).toBe(now + 3 * HOUR);
    expect(nextPollAt({ ...base, interval: 15 * MIN, retryAfter: now + MIN })).toBe(now + 15 * MIN);
  });

  it.each([
    ['skipHours 10-13 GMT move 10:30 to 14:00', { interval: 30 * MIN, skipHours: [10, 11, 12, 13] }, '2026-11-26T14:00:00.000Z'],
    ['skipDays Thursday moves to Friday 00:00', { interval: 30 * MIN, skipDays: ['Thursday'] }, '2026-11-27T00:00:00.000Z'],
    ['an unskipped hour stays', { interval: 30 * MIN, skipHours: [3] }, '2026-11-26T10:30:00.000Z'],
    ['every hour skipped: at most the maximum interval', { interval: 30 * MIN, skipHours: Array.from({ length: 24 }, (_, hour) => hour) }, '2026-11-27T10:00:00.000Z'],
  ] as Array<[string, Partial<NextPollInput>, string]>)('%s', (_name, input, expected) => {
    expect(new Date(nextPollAt({ ...base, ...input })).toISOString()).toBe(expected);
  });
});
