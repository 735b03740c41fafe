/** JSON Feed spec examples and feedparser's JSON Feed edge cases (../shared/corpora), when present. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedaggError } from '../errors.js';
import { readFeed } from '../pipeline/read-feed.js';
import { needs } from '../../tests/helpers/needs.js';

const CORPORA = join(import.meta.dirname, '../../../shared/corpora');
const SPEC = join(CORPORA, 'jsonfeed/spec-examples');
const EDGE = join(CORPORA, 'feedparser-jsonfeed/json');

async function read(path: string) {
  return readFeed({ sourceId: 'j', body: readFileSync(path), contentType: 'application/feed+json', documentUrl: null, now: new Date('2026-11-26T00:00:00Z') });
}

describe.runIf(needs(existsSync(SPEC), `the JSON Feed spec examples are missing (${SPEC}: ../shared/corpora)`))('JSON Feed spec examples', () => {
  it.each(existsSync(SPEC) ? readdirSync(SPEC) : [])('%s parses with every item', async (name) => {
    const document = JSON.parse(readFileSync(join(SPEC, name), 'utf8')) as { items: unknown[] };
    const result = await read(join(SPEC, name));
    expect(result.format).toBe('json');
    expect(result.entries).toHaveLength(document.items.length);
  });
});

describe.runIf(needs(existsSync(EDGE), `feedparser's JSON Feed cases are missing (${EDGE}: ../shared/corpora)`))("feedparser's JSON Feed edge cases", () => {
  it.each(existsSync(EDGE) ? readdirSync(EDGE).filter((name) => name.endsWith('.json')) : [])('%s: articles or a typed error, never a crash', async (name) => {
    const result = await read(join(EDGE, name)).catch((error: unknown) => error);
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(FeedaggError);
      // Infinity/NaN literals are not JSON (PARSE); a file with only feed-level keys and no items is no feed.
      expect(['PARSE', 'NOT_A_FEED']).toContain((result as FeedaggError).code);
    } else {
      for (const entry of (result as Awaited<ReturnType<typeof read>>).entries) expect(typeof entry.article.title).toBe('string');
    }
  });

  it.each([
    ['items-id-whitespace.json', { guid: 'https://domain.example/entry' }],
    ['items-id-int.json', { guid: '1' }],
    ['items-title-whitespace.json', { title: 'abc' }],
    ['items-title-html-is-ignored.json', { title: "<blink><script>alert('abc');</script></blink>" }],
    ['items-url-without-title.json', { url: 'https://domain.example/entry' }],
  ])('%s', async (name, expected) => {
    const [entry] = (await read(join(EDGE, name))).entries;
    expect(entry?.article).toMatchObject(expected);
  });
});
