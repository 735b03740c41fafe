/**
 * Never a crash, never a hang: random truncations and byte flips of every fixture go through
 * the whole read path (decode, parse, normalize) and give either articles or a typed error.
 * The random generator is seeded, so a failure reproduces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../tools/bench/seeded-random.js';
import { FeedaggError } from '../src/errors.js';
import { readFeed } from '../src/pipeline/read-feed.js';
import { FIXTURES_DIR } from './helpers/fixture-server.js';

function mutate(bytes: Buffer, next: () => number): Buffer {
  const copy = Buffer.from(bytes.subarray(0, Math.max(1, Math.floor(next() * bytes.length * 1.1))));
  const flips = Math.floor(next() * 12);
  for (let flip = 0; flip < flips; flip += 1) {
    const index = Math.floor(next() * copy.length);
    copy[index] = next() < 0.5 ? Math.floor(next() * 256) : (copy[index] ?? 0) ^ (1 << Math.floor(next() * 8));
  }
  return copy;
}

const fixtures = readdirSync(FIXTURES_DIR).map((name) => [name, readFileSync(join(FIXTURES_DIR, name))] as const);

describe('parse fuzzing', () => {
  it.each(fixtures)('%s: 300 mutations give articles or a typed error', async (name, bytes) => {
    const next = seededRandom(name.length * 7919);
    let articles = 0;
    let errors = 0;
    for (let round = 0; round < 300; round += 1) {
      try {
        const result = await readFeed({ sourceId: 'fuzz', body: mutate(bytes, next), contentType: null, documentUrl: 'http://fuzz.example/feed', now: new Date('2026-11-26T00:00:00Z') });
        for (const entry of result.entries) {
          expect(typeof entry.article.title).toBe('string');
          expect(entry.article.id).toMatch(/^[0-9a-f]{24}$/);
        }
        articles += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(FeedaggError);
        expect(['PARSE', 'NOT_A_FEED']).toContain((error as FeedaggError).code);
        errors += 1;
      }
    }
    // Some damage is recovered from: a document that reads whole still reads after some mutations.
    const whole = await readFeed({ sourceId: 'fuzz', body: bytes, contentType: null, documentUrl: 'http://fuzz.example/feed', now: new Date('2026-11-26T00:00:00Z') }).then((result) => result.entries.length > 0, () => false);
    if (whole) expect(articles, `${errors} of 300 mutations refused`).toBeGreaterThan(0);
  });

  it('a pathological document (deep nesting, a huge attribute, many entities) still returns', async () => {
    const deep = `<rss version="2.0"><channel><item><title>deep</title>${'<x>'.repeat(20_000)}</item></channel></rss>`;
    const deepOutside = `<rss version="2.0"><channel>${'<x>'.repeat(50_000)}<item><title>t</title></item></channel></rss>`;
    const wide = `<rss version="2.0"><channel><item><title a="${'&amp;'.repeat(100_000)}">wide</title></item></channel></rss>`;
    for (const text of [deep, deepOutside, wide]) {
      const result = await readFeed({ sourceId: 'p', body: Buffer.from(text), contentType: null, documentUrl: null, now: new Date() }).catch((error: unknown) => error);
      expect(result instanceof FeedaggError || Array.isArray((result as { entries?: unknown }).entries)).toBe(true);
    }
  });
});
