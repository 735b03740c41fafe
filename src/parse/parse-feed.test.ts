import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeedaggError } from '../errors.js';
import { detectDocumentKind, parseFeed } from './parse-feed.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../tests/fixtures/feeds', name), 'utf8');

async function parseError(text: string): Promise<FeedaggError> {
  try {
    await parseFeed(text, 'http://page.example/blog/');
  } catch (error) {
    if (error instanceof FeedaggError) return error;
    throw error;
  }
  throw new Error('expected a FeedaggError');
}

describe('parseFeed', () => {
  it.each([
    ['rss2.xml', 'rss', 3],
    ['atom.xml', 'atom', 2],
    ['feed.json', 'json', 2],
  ])('%s is read as %s with %i entries', async (file, format, count) => {
    const feed = await parseFeed(fixture(file));
    expect(feed.format).toBe(format);
    expect(feed.entries).toHaveLength(count);
  });

  it.each([
    ['{"version":"x"}', 'json'],
    ['\uFEFF  <?xml version="1.0"?><rss/>', 'xml'],
    ['<!DOCTYPE html><html></html>', 'html'],
    [`<!DOCTYPE html><html><head><style>${' '.repeat(2000)}</style></head><body><feed xmlns="http://www.w3.org/2005/Atom"></feed></body></html>`, 'wrapped'],
    ['<html><body><atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>A</atom:title></atom:feed></body></html>', 'wrapped'],
    ['plain words', 'unknown'],
  ])('detects %j as %s by content', (text, kind) => {
    expect(detectDocumentKind(text)).toBe(kind);
  });

  it('reads RSS 1.0 (RDF)', async () => {
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="http://r.example/"><title>R</title><link>http://r.example/</link></channel>
      <item rdf:about="http://r.example/1"><title>One</title><link>http://r.example/1</link><dc:date>2026-11-01T10:00:00Z</dc:date></item></rdf:RDF>`;
    const feed = await parseFeed(rdf);
    expect(feed.format).toBe('rdf');
    expect(feed.entries[0]).toMatchObject({ title: { value: 'One', html: false }, link: 'http://r.example/1', guid: 'http://r.example/1' });
  });

  it('reads the polling hints: <ttl>, <skipHours>, <skipDays>, sy:updatePeriod/Frequency', async () => {
    const rss = `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>H</title>
      <ttl>90</ttl><skipHours><hour>0</hour><hour>1</hour><hour>24</hour></skipHours><skipDays><day>Saturday</day><day>sunday</day></skipDays>
      <sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel></rss>`;
    expect((await parseFeed(rss)).hints).toEqual({ ttlMinutes: 90, updatePeriod: 'hourly', updateFrequency: 2, skipHours: [0, 1], skipDays: ['Saturday', 'Sunday'] });
  });

  it('recovers from bare ampersands and undeclared HTML entities', async () => {
    const rss = `<rss version="2.0"><channel><title>Fish & Chips &eacute;</title><item><title>A &nbsp;&amp; B & C</title><link>http://x.example/?a=1&b=2</link></item></channel></rss>`;
    const feed = await parseFeed(rss);
    expect(feed.title?.value).toBe('Fish & Chips é');
    expect(feed.entries[0]?.link).toBe('http://x.example/?a=1&b=2');
  });

  it('an HTML page is NOT_A_FEED and names the feeds it advertises', async () => {
    const error = await parseError(fixture('page.html'));
    expect(error.code).toBe('NOT_A_FEED');
    expect(error.feedLinks).toEqual(['http://page.example/feed.xml', 'http://page.example/atom.xml']);
  });

  it.each([
    ['malformed XML', fixture('broken.xml'), 'PARSE'],
    ['broken JSON', '{"version": "https://jsonfeed.org/version/1.1", "items": [', 'PARSE'],
    ['JSON that is no feed', '{"hello": "world"}', 'NOT_A_FEED'],
    ['XML that is no feed', '<?xml version="1.0"?><note><to>x</to></note>', 'NOT_A_FEED'],
    ['plain text', 'hello', 'NOT_A_FEED'],
  ])('%s gives a typed %s error', async (_name, text, code) => {
    expect((await parseError(text)).code).toBe(code);
  });

  // Unclosed <br>s and <img>s before the feed would nest it 400 deep in an XML reading.
  it('an HTML page that wraps a feed is read as that feed, format and feed-level facts included', async () => {
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/s.css"><style>${'p{}'.repeat(500)}</style></head>
      <body><p>${'line<br>'.repeat(400)}<img src="a.png"></p><div><rss version="2.0"><channel><title>Wrapped RSS</title><link>http://w.example/</link><item><title>One</title></item></channel></rss></div></body></html>`;
    const feed = await parseFeed(page);
    expect(feed).toMatchObject({ format: 'rss', version: '2.0', title: { value: 'Wrapped RSS' }, link: 'http://w.example/' });
    expect(feed.entries).toHaveLength(1);
  });

  it('a page that only mentions a feed element is still an HTML page', async () => {
    const error = await parseError('<!DOCTYPE html><html><body><p>Write <code><rss></code> first.</p></body></html>');
    expect(error.code).toBe('NOT_A_FEED');
  });
});
