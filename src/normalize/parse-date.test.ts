import { describe, expect, it } from 'vitest';
import { parseDate } from './parse-date.js';

const now = new Date('2026-11-26T12:00:00Z');

describe('parseDate', () => {
  it.each([
    ['Mon, 02 Nov 2026 08:30:00 GMT', '2026-11-02T08:30:00.000Z'],
    ['Tue, 03 Nov 2026 10:00:00 +0100', '2026-11-03T09:00:00.000Z'],
    ['Tue, 03 Nov 2026 10:00:00 EST', '2026-11-03T15:00:00.000Z'],
    ['Tue, 03 Nov 2026 10:00:00 CEST', '2026-11-03T08:00:00.000Z'],
    ['03 Nov 2026 10:00 GMT', '2026-11-03T10:00:00.000Z'],
    ['2026-11-05T11:00:00+01:00', '2026-11-05T10:00:00.000Z'],
    ['2026-11-05T09:00:00Z', '2026-11-05T09:00:00.000Z'],
    ['2026-11', '2026-11-01T00:00:00.000Z'],
    ['2026', '2026-01-01T00:00:00.000Z'],
    [1_794_000_000, '2026-11-06T21:20:00.000Z'], [1_794_000_000_000, '2026-11-06T21:20:00.000Z'],
    ['not a date', null],
    ['0000-01-01', null],
    ['0000-01-01T00:00:00', null],
    ['1969-12-31', null],
    ['01 Jan 0001 00:00:00', null],
    ['1969-07-20T20:17:40Z', '1969-07-20T20:17:40.000Z'],
    ['Sun, 20 Jul 1969 20:17:40 GMT', '1969-07-20T20:17:40.000Z'],
    ['1970-01-01', '1970-01-01T00:00:00.000Z'],
    ['', null],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(parseDate(input, now)).toBe(expected);
  });

  it('clamps dates in the future beyond the skew to the fetch time', () => {
    expect(parseDate('2030-01-01T00:00:00Z', now)).toBe(now.toISOString());
    expect(parseDate('2026-11-26T12:05:00Z', now)).toBe('2026-11-26T12:05:00.000Z');
  });
});
