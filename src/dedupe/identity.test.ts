import { describe, expect, it } from 'vitest';
import type { EntryFields } from '../normalize/normalize-entry.js';
import { entryKeys, identifyEntries } from './identity.js';

function entry(fields: Partial<EntryFields>): EntryFields {
  return {
    guid: null, url: null, title: 't', summary: null, contentHtml: null, authors: [], categories: [],
    publishedAt: null, updatedAt: null, enclosures: [], imageUrl: null, language: null, ...fields,
  };
}

describe('entry identity', () => {
  it.each([
    [entry({ guid: 'g1', url: 'http://x/1' }), 'g:g1'],
    [entry({ url: 'http://x/1' }), 'u:http://x/1'],
  ])('guid, else URL: %#', (input, key) => {
    expect(entryKeys([input])).toEqual([key]);
  });

  it('falls back to a hash of title and content', () => {
    const [a, b] = entryKeys([entry({ title: 'a', contentHtml: 'x' }), entry({ title: 'b', contentHtml: 'x' })]);
    expect(a).toMatch(/^h:[0-9a-f]{24}$/);
    expect(a).not.toBe(b);
  });

  it('keeps entries apart when a feed repeats one guid on every item', () => {
    const keys = entryKeys([entry({ guid: 'same', url: 'http://x/1' }), entry({ guid: 'same', url: 'http://x/2' })]);
    expect(new Set(keys).size).toBe(2);
  });

  it('keeps entries apart when they share guid and link but not title, with keys that do not depend on order', () => {
    const first = entry({ guid: 'same', url: 'http://x/index', title: 'Monday' });
    const second = entry({ guid: 'same', url: 'http://x/index', title: 'Tuesday' });
    const keys = entryKeys([first, second]);
    expect(new Set(keys).size).toBe(2);
    expect(entryKeys([second, first])).toEqual([keys[1], keys[0]]);
  });

  it('reads an entry listed twice (same guid, link and title) once', () => {
    const twice = entry({ guid: 'same', url: 'http://x/1', title: 'Again' });
    expect(entryKeys([twice, twice, entry({ guid: 'other' })])).toEqual([expect.stringMatching(/^g:same/), null, 'g:other']);
    expect(identifyEntries('s', [twice, twice], new Date())).toHaveLength(1);
  });

  it('gives the same story URL the same article id from any source', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const [a] = identifyEntries('one', [entry({ guid: 'g-a', url: 'http://x/story' })], now);
    const [b] = identifyEntries('two', [entry({ guid: 'g-b', url: 'http://x/story' })], now);
    expect(a?.article.id).toBe(b?.article.id);
    const [c] = identifyEntries('one', [entry({ guid: 'no-url' })], now);
    const [d] = identifyEntries('two', [entry({ guid: 'no-url' })], now);
    expect(c?.article.id).not.toBe(d?.article.id);
  });
});
