/**
 * Feeds in the shapes real publishers send (issue 11): Ghost, WordPress.com with gravatars, a
 * publisher's wrapped categories, Mastodon with media attachments, a podcast with media:group,
 * a JSON Feed with raw control characters and string tags, RSS in JSON. Issue 18 added three:
 * double-encoded UTF-8 in every field, an Atom feed whose only absolute URL is its self link,
 * and an Atom feed inside an HTML page. Each fixture has its
 * expected reading in expected/<name>.json, checked by hand against the rules in docs/architecture.md
 * "Parsing": enclosures are what a reader plays, images go to imageUrl, avatars go nowhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeFeed } from '../src/normalize/normalize-feed.js';
import { parseFeed } from '../src/parse/parse-feed.js';

const dir = join(import.meta.dirname, 'fixtures', 'real-world');
const fixtures = readdirSync(dir).filter((name) => /\.(xml|json|html)$/.test(name));

async function read(name: string) {
  const raw = await parseFeed(readFileSync(join(dir, name), 'utf8'), null);
  const feed = normalizeFeed(raw, null, new Date('2026-11-28T12:00:00Z'));
  return {
    format: raw.format,
    feed: { title: feed.feed.title, link: feed.feed.link, authors: feed.feed.authors.map((author) => author.name) },
    articles: feed.entries.map((entry) => ({
      title: entry.title,
      url: entry.url,
      guid: entry.guid,
      authors: entry.authors.map((author) => author.name),
      categories: entry.categories,
      enclosures: entry.enclosures.map((enclosure) => ({ url: enclosure.url, type: enclosure.type, length: enclosure.length })),
      imageUrl: entry.imageUrl,
      summary: entry.summary,
      publishedAt: entry.publishedAt,
    })),
  };
}

describe('real-world feed shapes', () => {
  it('has the seven shapes of issue 11 and the three of issue 18', () => {
    expect(fixtures).toHaveLength(10);
  });

  it.each(fixtures)('%s reads as expected', async (name) => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected', name.replace(/\.(xml|json|html)$/, '.json')), 'utf8')) as unknown;
    expect(await read(name)).toEqual(expected);
  });

  it('never reports a gravatar: not as an enclosure, not as the image', async () => {
    const { articles } = await read('wordpress-com.xml');
    for (const article of articles) {
      expect(JSON.stringify(article)).not.toMatch(/gravatar/);
    }
    expect(articles[0]?.imageUrl).toMatch(/garlic\.jpg/);
    expect(articles[1]?.imageUrl).toBeNull();
  });

  it('puts media:content images in imageUrl and audio/video in enclosures', async () => {
    const ghost = await read('ghost.xml');
    expect(ghost.articles[0]?.enclosures).toEqual([]);
    expect(ghost.articles[0]?.imageUrl).toBe('https://notes.example/content/images/2026/11/river.jpg');
    const mastodon = await read('mastodon.xml');
    expect(mastodon.articles[0]?.enclosures.map((enclosure) => enclosure.type)).toEqual(['video/mp4']);
    expect(mastodon.articles[0]?.imageUrl).toMatch(/kingfisher\.jpg$/);
    const podcast = await read('podcast-media-group.xml');
    // The <enclosure> and the media:group copy of the same file are one enclosure.
    expect(podcast.articles[0]?.enclosures.map((enclosure) => enclosure.url)).toEqual(['https://cdn.slowradio.example/audio/ep41.mp3', 'https://cdn.slowradio.example/audio/ep41.m4a']);
  });

  it('reads categories inside wrappers and media:keywords, not those of the <source> feed, case kept once', async () => {
    const { articles } = await read('wrapped-categories.xml');
    expect(articles[0]?.categories).toEqual(['Politics', 'Europe', 'budget', 'parliament', 'World']);
  });

  it('reads a JSON Feed with raw control characters and a string of tags; RSS in JSON as RSS', async () => {
    const json = await read('jsonfeed-control-characters.json');
    expect(json.articles[0]?.title).toBe('Tabs and newlines');
    expect(json.articles[0]?.categories).toEqual(['code', 'Tabs']);
    const rss = await read('rss-in-json.json');
    expect(rss.format).toBe('rss');
    expect(rss.articles).toHaveLength(2);
    expect(rss.articles[0]?.enclosures[0]?.url).toBe('http://scripting.example/audio/outlines.mp3');
  });

  it('repairs double-encoded UTF-8 in every text field, the feed\'s too, and leaves real Latin-1 text alone', async () => {
    const raw = await parseFeed(readFileSync(join(dir, 'double-encoded-fields.xml'), 'utf8'), null);
    const feed = normalizeFeed(raw, null, new Date('2026-11-28T12:00:00Z'));
    // Every field, content HTML included: no UTF-8 lead byte read as Latin-1 before a continuation.
    const text = JSON.stringify(feed);
    expect(text).not.toMatch(/[\u00c2-\u00f4][\u0080-\u00bf\u2013\u201e\u20ac\u0153]/);
    expect(feed.entries[0]?.contentHtml).toContain('Fahrgäste wünschen sich „mehr Information“');
    expect(feed.entries[2]).toMatchObject({ title: 'Café crème à Paris', categories: ['Société'] });
  });
});
