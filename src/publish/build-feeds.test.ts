import { describe, expect, it } from 'vitest';
import type { Article } from '../model/article.js';
import { parseFeed } from '../parse/parse-feed.js';
import { buildFeeds, type FeedOptions, type PublishedItem } from './build-feeds.js';

function article(id: string, overrides: Partial<Article> = {}): Article {
  return {
    id, sourceId: 'a', sources: [{ sourceId: 'a', url: `http://a.example/${id}`, seenAt: '2026-11-20T00:00:00.000Z' }],
    guid: id, url: `http://a.example/${id}?x=1&y=2`, title: `Title ${id}`, summary: 'Sum', contentHtml: '<p>Body</p>',
    authors: [], categories: ['news'], publishedAt: '2026-11-20T10:00:00.000Z', updatedAt: null, enclosures: [], imageUrl: null, language: 'en',
    ...overrides,
  };
}

const options: FeedOptions = {
  title: 'Combined',
  urls: { home: 'http://feeds.example/', rss: 'http://feeds.example/feed.xml', atom: 'http://feeds.example/atom.xml', json: 'http://feeds.example/feed.json' },
  sources: new Map([['a', { id: 'a', title: 'Source A', url: 'http://a.example/feed?x=1&y=2' }], ['b', { id: 'b', title: 'Source B', url: 'http://b.example/feed' }]]),
  ttlMinutes: 30,
  hub: 'http://hub.example/',
};

const item = (value: Article, canonicalSourceId = 'a'): PublishedItem => ({ article: value, canonicalSourceId });

describe('buildFeeds', () => {
  it('is deterministic: the feed date is the newest item, never now', () => {
    const items = [item(article('2', { publishedAt: '2026-11-21T10:00:00.000Z' })), item(article('1'))];
    const first = buildFeeds(items, options);
    expect(buildFeeds(items, options)).toEqual(first);
    expect(first.rss).toContain('<lastBuildDate>Sat, 21 Nov 2026 10:00:00 GMT</lastBuildDate>');
    expect(first.atom).toContain('<updated>2026-11-21T10:00:00.000Z</updated>');
  });

  it('an empty feed carries the publish time, never a 1970 date', () => {
    const empty = buildFeeds([], { ...options, emptyFeedDate: new Date('2026-11-28T12:00:00Z') });
    expect(`${empty.rss}${empty.atom}${empty.json}`).not.toMatch(/1970/);
    expect(empty.atom).toContain('<updated>2026-11-28T12:00:00.000Z</updated>');
  });

  it('RSS: <source>, dc:creator for names without email, one enclosure, media:thumbnail, declared namespaces, self/alternate/hub links, ttl', () => {
    const { rss } = buildFeeds([item(article('1', {
      authors: [{ name: 'Ann', email: null, url: null }, { name: 'Bob', email: 'bob@x.example', url: null }],
      enclosures: [{ url: 'http://a.example/a.mp3', type: 'audio/mpeg', length: 5 }, { url: 'http://a.example/b.pdf', type: null, length: null }],
      imageUrl: 'http://a.example/i.jpg',
    }), 'b')], options);
    expect(rss).toContain('<source url="http://b.example/feed">Source B</source>');
    expect(rss).toContain('<dc:creator>Ann</dc:creator>');
    expect(rss).toContain('<author>bob@x.example (Bob)</author>');
    expect(rss.match(/<enclosure /g)).toHaveLength(1);
    expect(rss).toContain('<enclosure length="5" type="audio/mpeg" url="http://a.example/a.mp3"/>');
    expect(rss).toContain('<media:thumbnail url="http://a.example/i.jpg"/>');
    for (const prefix of ['atom', 'dc', 'content', 'media']) expect(rss).toMatch(new RegExp(`<rss [^>]*xmlns:${prefix}=`));
    expect(rss).toContain('<atom:link href="http://feeds.example/feed.xml" rel="self" type="application/rss+xml"/>');
    expect(rss).toContain('<atom:link href="http://feeds.example/atom.xml" rel="alternate" type="application/atom+xml"/>');
    expect(rss).toContain('<atom:link href="http://hub.example/" rel="hub"/>');
    expect(rss).toContain('<ttl>30</ttl>');
    expect(rss).toContain('<guid isPermaLink="false">tag:feedagg,2024:article/1</guid>');
  });

  it('Atom: every enclosure with its type, categories with term, atom:source, links to the other formats', () => {
    const { atom } = buildFeeds([item(article('1', {
      enclosures: [{ url: 'http://a.example/a.mp3', type: 'audio/mpeg', length: 5 }, { url: 'http://a.example/b.pdf', type: 'application/pdf', length: null }],
    }))], options);
    expect(atom).toContain('<link rel="enclosure" href="http://a.example/a.mp3" type="audio/mpeg" length="5"/>');
    expect(atom).toContain('<link rel="enclosure" href="http://a.example/b.pdf" type="application/pdf"/>');
    expect(atom).toContain('<category label="news" term="news"/>');
    expect(atom).toMatch(/<source>\s*<id>http:\/\/a\.example\/feed\?x=1&amp;y=2<\/id>\s*<title>Source A<\/title>/);
    expect(atom).toContain('<link rel="alternate" type="application/feed+json" href="http://feeds.example/feed.json"/>');
    expect(atom).toContain('<link rel="hub" href="http://hub.example/"/>');
  });

  it('titles are plain text in every format (Atom type="text"), read back unchanged', async () => {
    const title = 'Q&A: tags & “quotes”';
    const feeds = buildFeeds([item(article('1', { title, summary: 'a < b & c &amp; d' }))], options);
    for (const document of [feeds.rss, feeds.atom]) expect((await parseFeed(document)).entries[0]?.title?.value).toBe(title);
    expect(feeds.atom).toContain('<title type="text">Q&amp;A: tags &amp; “quotes”</title>');
    expect(feeds.atom).toContain('<summary type="text">a &lt; b &amp; c &amp;amp; d</summary>');
    expect(JSON.parse(feeds.json).items[0].title).toBe(title);
  });

  it('markup in a plain-text title, summary or category stays text in every format', async () => {
    // A JSON Feed or Atom type="text" title may hold `<script>` as text. RSS readers often
    // render titles as HTML, so RSS carries them HTML-escaped; Atom says type="text".
    const title = '<script>alert(1)</script>News &amp; more ]]> and ]]>';
    const summary = '<img src=x onerror=alert(2)>';
    const feeds = buildFeeds([item(article('1', { title, summary, categories: ['<b>bold</b>'], authors: [{ name: '<i>Eve</i>', email: null, url: null }] }))], options);
    for (const document of [feeds.rss, feeds.atom]) expect(document).not.toMatch(/<script|<img|<b>|<i>/);
    const rss = (await parseFeed(feeds.rss)).entries[0];
    expect(rss?.title).toEqual({ value: '&lt;script&gt;alert(1)&lt;/script&gt;News &amp;amp; more ]]&gt; and ]]&gt;', html: true, base: null });
    expect(rss?.summary?.value).toBe('&lt;img src=x onerror=alert(2)&gt;');
    expect(rss?.categories).toEqual(['&lt;b&gt;bold&lt;/b&gt;']);
    const atom = (await parseFeed(feeds.atom)).entries[0];
    expect(atom?.title).toEqual({ value: title, html: false, base: null });
    expect(atom?.summary).toEqual({ value: summary, html: false, base: null });
    // JSON Feed titles and summaries are plain text by the spec: the string is the text itself.
    expect(JSON.parse(feeds.json).items[0]).toMatchObject({ title, summary, tags: ['<b>bold</b>'] });
  });

  it('strips characters XML forbids', () => {
    const feeds = buildFeeds([item(article('1', { title: 'bell\u0007 nul\u0000', summary: 'x\uFFFE' }))], options);
    expect(feeds.rss).not.toMatch(/[\u0000\u0007\uFFFE]/);
    expect(feeds.atom).not.toMatch(/[\u0000\u0007\uFFFE]/);
  });

  it('JSON Feed 1.1: authors arrays, language, hubs, attachments, content for every item, every source of a merged story', () => {
    const merged = article('1', {
      sources: [
        { sourceId: 'a', url: 'http://a.example/1', seenAt: '2026-11-20T00:00:00.000Z' },
        { sourceId: 'b', url: 'http://b.example/x', seenAt: '2026-11-20T01:00:00.000Z' },
      ],
      authors: [{ name: 'Ann', email: null, url: null }, { name: 'Ben', email: null, url: 'http://ben.example/' }],
      enclosures: [{ url: 'http://a.example/a.mp3', type: 'audio/mpeg', length: 7 }],
    });
    const bare = article('2', { contentHtml: null, summary: null, categories: [] });
    const json = JSON.parse(buildFeeds([item(merged), item(bare)], options).json) as { version: string; hubs: unknown[]; items: Array<Record<string, unknown>> };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.hubs).toEqual([{ type: 'WebSub', url: 'http://hub.example/' }]);
    expect(json.items[0]).toMatchObject({ authors: [{ name: 'Ann' }, { name: 'Ben', url: 'http://ben.example/' }], language: 'en', attachments: [{ url: 'http://a.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 7 }] });
    expect(json.items[0]?.author).toBeUndefined();
    expect((json.items[0]?._feedagg as { sources: unknown[] }).sources).toHaveLength(2);
    expect(json.items[0]?._feedagg).not.toHaveProperty('source_count');
    expect(json.items[1]).toMatchObject({ content_text: 'Title 2' });
  });

  it('counts the sources past the 50 an article lists in JSON Feed _feedagg.source_count', () => {
    const syndicated = { ...item(article('1')), sourceCount: 2000 };
    const json = JSON.parse(buildFeeds([syndicated], options).json) as { items: Array<{ _feedagg: { source_count?: number; sources: unknown[] } }> };
    expect(json.items[0]?._feedagg.source_count).toBe(2000);
  });
});
