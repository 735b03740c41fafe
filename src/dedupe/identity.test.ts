import { describe, expect, it } from 'vitest';
import type { EntryFields } from '../normalize/normalize-entry.js';
import { entryKeys, identify, identityOf } from './identity.js';

function entry(fields: Partial<EntryFields>) {
  return identityOf({
    guid: null, url: null, title: 't', summary: null, contentHtml: null, authors: [], categories: [],
    publishedAt: null, updatedAt: null, enclosures: [], imageUrl: null, language: null, ...fields,
  });
}

const identifyEntries = (sourceId: string, entries: ReturnType<typeof entry>[], _now?: Date) => identify(sourceId, entries);

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

  it('marks the later listings of an entry listed twice (same guid, link and title), which share its key', () => {
    const twice = entry({ guid: 'same', url: 'http://x/1', title: 'Again' });
    const keys = entryKeys([twice, { ...twice, content: '<p>other text</p>' }, entry({ guid: 'other' })]);
    expect(keys[0]).toMatch(/^g:same/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe('g:other');
    expect(identifyEntries('s', [twice, twice]).map((identified) => identified.repeat)).toEqual([false, true]);
  });

  it('gives the same story URL the same article id from any source', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const [a] = identifyEntries('one', [entry({ guid: 'g-a', url: 'http://x/story' })], now);
    const [b] = identifyEntries('two', [entry({ guid: 'g-b', url: 'http://x/story' })], now);
    expect(a?.id).toBe(b?.id);
    const [c] = identifyEntries('one', [entry({ guid: 'no-url' })], now);
    const [d] = identifyEntries('two', [entry({ guid: 'no-url' })], now);
    expect(c?.id).not.toBe(d?.id);
  });
});
