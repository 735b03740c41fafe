import { describe, expect, it } from 'vitest';
import type { Article } from '../model/article.js';
import { parseFeed } from '../parse/parse-feed.js';
import { buildFeeds } from './build-feeds.js';

function article(id: string, overrides: Partial<Article> = {}): Article {
  return {
    id, sourceId: 'a', sources: [{ sourceId: 'a', url: `http://a.example/${id}`, seenAt: '2026-11-20T00:00:00.000Z' }],
    guid: id, url: `http://a.example/${id}`, title: `Title ${id}`, summary: 'Sum', contentHtml: '<p>Body</p>',
    authors: [], categories: ['news'], publishedAt: '2026-11-20T10:00:00.000Z', updatedAt: null, enclosures: [], imageUrl: null, language: 'en',
    ...overrides,
  };
}

const options = {
  title: 'Combined', link: 'http://feeds.example/', paths: { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' },
  sources: new Map([['a', { id: 'a', title: 'Source A', url: 'http://a.example/feed' }]]),
};

describe('buildFeeds', () => {
  it('is deterministic: the feed date is the newest item, never now', () => {
    const articles = [article('2', { publishedAt: '2026-11-21T10:00:00.000Z' }), article('1')];
    const first = buildFeeds(articles.map((article) => ({ article, canonicalSourceId: 'a' })), options);
    const second = buildFeeds(articles.map((article) => ({ article, canonicalSourceId: 'a' })), options);
    expect(second).toEqual(first);
    expect(first.rss).toContain('<lastBuildDate>Sat, 21 Nov 2026 10:00:00 GMT</lastBuildDate>');
    expect(first.atom).toContain('<updated>2026-11-21T10:00:00.000Z</updated>');
  });

  it('attributes items to their source and writes JSON Feed 1.1 with every source', async () => {
    const merged = article('1', { sources: [
      { sourceId: 'a', url: 'http://a.example/1', seenAt: '2026-11-20T00:00:00.000Z' },
      { sourceId: 'b', url: 'http://b.example/x', seenAt: '2026-11-20T01:00:00.000Z' },
    ], authors: [{ name: 'Ann', email: null, url: null }, { name: 'Ben', email: null, url: null }] });
    const feeds = buildFeeds([{ article: merged, canonicalSourceId: 'a' }], options);
    expect(feeds.rss).toContain('<source url="http://a.example/feed">Source A</source>');
    const json = JSON.parse(feeds.json) as { version: string; items: Array<Record<string, unknown>> };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items[0]?.authors).toEqual([{ name: 'Ann' }, { name: 'Ben' }]);
    expect(json.items[0]?.author).toBeUndefined();
    expect((json.items[0]?._feedagg as { sources: unknown[] }).sources).toHaveLength(2);
    expect((await parseFeed(feeds.atom)).entries).toHaveLength(1);
  });
});
