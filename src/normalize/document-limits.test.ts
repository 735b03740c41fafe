import { describe, expect, it } from 'vitest';
import { emptyEntry, type RawEntry } from '../parse/raw-feed.js';
import { parseFeed } from '../parse/parse-feed.js';
import { cutHtml, cutText, DEFAULT_LIMITS, newestEntries } from './document-limits.js';
import { normalizeFeed } from './normalize-feed.js';

const now = new Date('2026-11-26T12:00:00Z');
const dated = (title: string, published: string | null): RawEntry => ({ ...emptyEntry(), title: { value: title, html: false, base: null }, published });

describe('newestEntries', () => {
  it('keeps the newest by date, in document order; undated entries rank after dated ones', () => {
    const entries = [dated('old', '2026-01-01T00:00:00Z'), dated('none-1', null), dated('new', '2026-11-01T00:00:00Z'), dated('mid', '2026-06-01T00:00:00Z'), dated('none-2', null)];
    expect(newestEntries(entries, 2, now).map((entry) => entry.title?.value)).toEqual(['new', 'mid']);
    expect(newestEntries(entries, 4, now).map((entry) => entry.title?.value)).toEqual(['old', 'none-1', 'new', 'mid']);
    expect(newestEntries(entries, 10, now)).toBe(entries);
  });

  it('keeps the first ones of an undated document (feeds list newest first)', () => {
    const entries = ['a', 'b', 'c'].map((title) => dated(title, null));
    expect(newestEntries(entries, 2, now).map((entry) => entry.title?.value)).toEqual(['a', 'b']);
  });
});

describe('cutting', () => {
  it.each([
    ['short text stays', 'abc', 5, 'abc'],
    ['cut with an ellipsis within the limit', 'abcdefgh', 5, 'abcd…'],
    ['never inside a surrogate pair', 'ab😀cd', 4, 'ab…'],
  ])('cutText: %s', (_name, text, max, expected) => {
    expect(cutText(text, max)).toBe(expected);
    expect(cutText(text, max).length).toBeLessThanOrEqual(max);
  });

  it.each([
    ['before the last tag that starts within the budget', '<p>one</p><p>two</p><p>three</p>', 16, '<p>one</p><p>two'],
    ['never inside a tag or attribute', '<p>x</p><a href="http://a.example/very/long/path">link</a>', 30, '<p>x</p>'],
    ['a long text node at a space, not inside an entity', `<p>${'word '.repeat(10)}&amp;tail`, 3 + 50 + 2, `<p>${'word '.repeat(10).trimEnd()}`],
    ['by UTF-8 bytes, not characters', `<p>${'é'.repeat(20)}</p><p>x</p>`, 30, `<p>${'é'.repeat(13)}`],
    ['a tag within the budget by bytes', `<p>${'é'.repeat(10)}</p><p>${'é'.repeat(10)}</p>`, 40, `<p>${'é'.repeat(10)}</p>`],
  ])('cutHtml: %s', (_name, html, max, expected) => {
    expect(cutHtml(html, max)).toBe(expected);
    expect(Buffer.byteLength(cutHtml(html, max))).toBeLessThanOrEqual(max);
  });
});

describe('document limits in normalizeFeed', () => {
  const items = (count: number, item: (index: number) => string) => `<rss version="2.0"><channel><title>T</title>${Array.from({ length: count }, (_, index) => item(index)).join('')}</channel></rss>`;

  it('keeps the newest maxItems entries and says so', async () => {
    const xml = items(30, (index) => `<item><guid>${index}</guid><title>n${index}</title><pubDate>${new Date(Date.UTC(2026, 0, 1 + index)).toUTCString()}</pubDate></item>`);
    const feed = normalizeFeed(await parseFeed(xml), null, now, { ...DEFAULT_LIMITS, maxItems: 5 });
    expect(feed.entries.map((entry) => entry.title)).toEqual(['n25', 'n26', 'n27', 'n28', 'n29']);
    expect(feed.warnings).toEqual(['25 of 30 entries dropped (fetch.maxItems 5; the newest are kept)']);
  });

  it('cuts long titles, many categories, long summaries and content at an element boundary', async () => {
    const paragraphs = Array.from({ length: 400 }, (_, index) => `&lt;p&gt;Paragraph ${index} of a long story.&lt;/p&gt;`).join('');
    const xml = items(1, () => `<item><guid>1</guid><title>${'T'.repeat(5000)}</title>${Array.from({ length: 150 }, (_, index) => `<category>c${index}</category>`).join('')}<description>${'s'.repeat(9000)}</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">${paragraphs}</content:encoded></item>`);
    const limits = { maxItems: 10, maxTitleLength: 100, maxCategories: 20, maxContentSize: 4096 };
    const feed = normalizeFeed(await parseFeed(xml), null, now, limits);
    const [entry] = feed.entries;
    expect(entry?.title).toHaveLength(100);
    expect(entry?.title.endsWith('…')).toBe(true);
    expect(entry?.categories).toHaveLength(20);
    expect(entry?.categories.at(-1)).toBe('c19');
    expect(entry?.summary?.length).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(entry?.contentHtml ?? '')).toBeLessThanOrEqual(4096);
    expect(entry?.contentHtml).toMatch(/^<p>Paragraph 0 of a long story\.<\/p>.*<\/p>$/s);
    expect(feed.warnings).toEqual([
      '1 titles cut at 100 characters (fetch.maxTitleLength)',
      '1 entries kept their first 20 categories (fetch.maxCategories)',
      '1 contents cut at 4096 bytes (fetch.maxContentSize)',
      '1 summaries cut at 4096 bytes (fetch.maxContentSize)',
    ]);
  });

  it('says nothing when no limit bites', async () => {
    const feed = normalizeFeed(await parseFeed(items(3, (index) => `<item><guid>${index}</guid><title>t</title></item>`)), null, now);
    expect(feed.warnings).toEqual([]);
  });
});
