import { describe, expect, it } from 'vitest';
import { observedCadence } from './cadence.js';
import { freshnessFromHeaders, syndicationPeriod, ttlPeriod } from './freshness.js';
import { noHints } from '../parse/raw-feed.js';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse('2026-11-26T00:00:00Z') + hours * HOUR).toISOString();

describe('observedCadence', () => {
  it.each([
    ['hourly entries', [at(0), at(1), at(2), at(3)], HOUR],
    ['irregular entries: the median gap', [at(0), at(1), at(3), at(10), at(11)], 1.5 * HOUR],
    ['unsorted input', [at(6), at(0), at(2), at(4)], 2 * HOUR],
    ['too few dated entries', [at(0), at(5), null], null],
    ['duplicate dates ignored', [at(0), at(0), at(0)], null],
  ] as Array<[string, Array<string | null>, number | null]>)('%s', (_name, dates, expected) => {
    expect(observedCadence(dates)).toBe(expected);
  });
});

describe('freshness', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  it.each([
    [{ 'cache-control': 'public, max-age=600' }, 600_000],
    [{ 'cache-control': 'max-age=600, s-maxage=1200' }, 1_200_000],
    [{ 'cache-control': 'no-cache, max-age=600' }, null],
    [{ expires: 'Thu, 26 Nov 2026 11:00:00 GMT', date: 'Thu, 26 Nov 2026 10:30:00 GMT' }, 1_800_000],
    [{ expires: 'Thu, 26 Nov 2026 11:00:00 GMT' }, 3_600_000],
    [{ expires: '0' }, null],
    [{}, null],
  ] as Array<[Record<string, string>, number | null]>)('%j → %j', (headers, expected) => {
    expect(freshnessFromHeaders(headers, now)).toBe(expected);
  });

  it('reads <ttl> and sy:updatePeriod/updateFrequency', () => {
    expect(ttlPeriod({ ...noHints(), ttlMinutes: 60 })).toBe(HOUR);
    expect(syndicationPeriod({ ...noHints(), updatePeriod: 'hourly', updateFrequency: 2 })).toBe(HOUR / 2);
    expect(syndicationPeriod({ ...noHints(), updatePeriod: 'daily' })).toBe(24 * HOUR);
    expect(syndicationPeriod(noHints())).toBeNull();
  });
});
