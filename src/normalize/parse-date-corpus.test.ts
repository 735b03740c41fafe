/** The date tables of feedparser and gofeed (../shared/corpora/dates), when present. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDateValue } from './parse-date.js';
import { needs } from '../../tests/helpers/needs.js';

const DIR = join(import.meta.dirname, '../../../shared/corpora/dates');

interface DateCase {
  input: string;
  expected_utc_iso?: string | null;
  expected_utc?: string | null;
  comment?: string;
}

function load(name: string): DateCase[] {
  const path = join(DIR, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { cases: DateCase[] }).cases : [];
}

/** Known, documented disagreements: feedparser reads "03335" as an ordinal date (YYDDD); we do not. */
const DELIBERATE = new Set(['03335']);

describe.runIf(needs(existsSync(DIR), `the date corpora are missing (${DIR}: ../shared/corpora)`))('date corpora', () => {
  it.each(load('feedparser.json').filter((entry) => !DELIBERATE.has(entry.input)).map((entry) => [entry.input, entry.expected_utc_iso ?? null]))('feedparser: %j → %j', (input, expected) => {
    const ms = parseDateValue(input);
    expect(ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')).toBe(expected);
  });

  it.each(load('gofeed.json').map((entry) => [entry.input, entry.expected_utc ?? null]))('gofeed: %j → %j', (input, expected) => {
    const ms = parseDateValue(input);
    expect(ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')).toBe(expected?.replace(/\.\d+Z$/, 'Z') ?? null);
  });
});
