import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSize } from './units.js';

describe('units', () => {
  it.each([
    ['90s', 90_000], ['15m', 900_000], ['2h', 7_200_000], ['7d', 604_800_000], ['1w', 604_800_000],
    ['250ms', 250], ['1.5h', 5_400_000], [' 5M ', 300_000], ['often', null], ['5', null], ['-5m', null], ['', null],
  ])('parseDuration(%j) = %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    ['512KB', 524_288], ['10MB', 10_485_760], ['1gb', 1_073_741_824], ['100', 100], ['100B', 100], ['big', null],
  ])('parseSize(%j) = %j', (text, expected) => {
    expect(parseSize(text)).toBe(expected);
  });

  it.each([[900_000, '15m'], [90_000, '90s'], [86_400_000, '1d'], [1500, '1500ms']])('formatDuration(%j) = %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
