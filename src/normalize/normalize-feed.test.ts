/** Normalization rules of issue 4, table-tested on small documents through parse + normalize. */
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../parse/parse-feed.js';
import { normalizeFeed } from './normalize-feed.js';

const now = new Date('2026-11-26T12:00:00Z');

async function entries(xml: string, documentUrl: string | null = 'http://doc.example/feeds/main.xml') {
  return normalizeFeed(await parseFeed(xml, documentUrl), documentUrl, now).entries;
}

const rssItem = (inner: string) => `<rss version="2.0"><channel><title>T</title><link>http://site.example/</link><item>${inner}</item></channel></rss>`;
const atomEntry = (inner: string, attrs = '') => `<feed xmlns="http://www.w3.org/2005/Atom"${attrs}><title>T</title><entry>${inner}</entry></feed>`;

describe('titles', () => {
  it.each([
    ['entities decoded', rssItem('<title>Fish &amp; Chips &eacute;t&eacute;</title>'), 'Fish & Chips été'],
    ['double-escaped entities decoded', rssItem('<title>AT&amp;amp;T &amp;lt;rocks&amp;gt;</title>'), 'AT&T <rocks>'],
    ['tags removed from type="html"', atomEntry('<title type="html">Snow on the &lt;em&gt;high&lt;/em&gt; pass</title>'), 'Snow on the high pass'],
    ['tags removed from type="xhtml"', atomEntry('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> move</div></title>'), 'A bold move'],
    ['brackets kept in type="text"', atomEntry('<title type="text">History of the &lt;blink&gt; tag</title>'), 'History of the <blink> tag'],
    ['whitespace collapsed', rssItem('<title>\n  Many\t\tspaces \n here </title>'), 'Many spaces here'],
    ['CDATA read as HTML', rssItem('<title><![CDATA[Breaking: <i>news</i> &amp; more]]></title>'), 'Breaking: news & more'],
    ['missing title: first words of the summary', rssItem('<description>One two three four five six seven eight nine ten eleven twelve thirteen fourteen</description>'), 'One two three four five six seven eight nine ten eleven twelve…'],
  ])('%s', async (_name, xml, title) => {
    expect((await entries(xml))[0]?.title).toBe(title);
  });
});

describe('links and URLs', () => {
  it.each([
    ['relative link against the document URL', rssItem('<link>/posts/1</link>'), 'http://doc.example/posts/1'],
    ['nested xml:base', atomEntry('<link href="c/post"/>', ' xml:base="http://base.example/a/"').replace('<entry>', '<entry xml:base="b/">'), 'http://base.example/a/b/c/post'],
    ['Atom rel="alternate" over other rels', atomEntry('<link rel="edit" href="http://x.example/edit"/><link rel="alternate" type="text/html" href="http://x.example/post"/>'), 'http://x.example/post'],
    ['Atom link without rel is alternate', atomEntry('<link rel="self" href="http://x.example/self"/><link href="http://x.example/page"/>'), 'http://x.example/page'],
    ['tracking parameters removed, fragment and other parameters kept', rssItem('<link>http://x.example/a?id=3&amp;utm_source=rss&amp;fbclid=1#c2</link>'), 'http://x.example/a?id=3#c2'],
    ['permalink guid as the link', rssItem('<guid>http://x.example/guid-link</guid>'), 'http://x.example/guid-link'],
    ['no link from a guid with isPermaLink="false"', rssItem('<guid isPermaLink="false">http://x.example/not-a-link</guid>'), null],
  ])('%s', async (_name, xml, url) => {
    expect((await entries(xml))[0]?.url).toBe(url);
  });

  it('falls back to the feed link when there is no document URL', async () => {
    const [entry] = await entries(rssItem('<link>posts/2</link>'), null);
    expect(entry?.url).toBe('http://site.example/posts/2');
  });

  // Issue 18: xml:base, the document URL, the feed's self link, the feed's alternate link.
  it.each([
    ['Atom: the self link when it is the only absolute URL', atomEntry('<link href="/blog/2026/11/01/post"/>').replace('<title>T</title>', '<title>T</title><link rel="self" href="http://example.net/blog/index.atom"/>'), null, 'http://example.net/blog/2026/11/01/post'],
    ['RSS: atom:link rel="self" before <link>', `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>http://site.example/</link><atom:link rel="self" href="http://feeds.example/x/rss.xml"/><item><link>post/3</link></item></channel></rss>`, null, 'http://feeds.example/x/post/3'],
    ['the document URL before the self link', atomEntry('<link href="post"/>').replace('<title>T</title>', '<title>T</title><link rel="self" href="http://self.example/a/feed"/>'), 'http://doc.example/b/feed', 'http://doc.example/b/post'],
    ['a relative self link resolves against the document URL first', atomEntry('<link href="post"/>').replace('<title>T</title>', '<title>T</title><link rel="self" href="/c/feed"/>'), null, null],
    ['JSON Feed: feed_url', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', home_page_url: 'http://home.example/', feed_url: 'http://home.example/j/feed.json', items: [{ id: '1', url: 'item-1' }] }), null, 'http://home.example/j/item-1'],
  ])('%s', async (_name, text, documentUrl, url) => {
    expect((await entries(text, documentUrl))[0]?.url).toBe(url);
  });

  it('makes content URLs absolute against the entry xml:base', async () => {
    const [entry] = await entries(atomEntry('<content type="html" xml:base="http://cdn.example/img/">&lt;img src="a.png"&gt;</content>'));
    expect(entry?.contentHtml).toBe('<img src="http://cdn.example/img/a.png" />');
  });
});

describe('authors', () => {
  it.each([
    ['RSS author "email (name)"', rssItem('<author>jo@x.example (Jo Doe)</author>'), [{ name: 'Jo Doe', email: 'jo@x.example', url: null }]],
    ['dc:creator', `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><dc:creator>Ann</dc:creator></item></channel></rss>`, [{ name: 'Ann', email: null, url: null }]],
    ['Atom persons, all of them', atomEntry('<author><name>One</name><uri>http://one.example/</uri></author><author><name>Two</name><email>two@x.example</email></author>'), [
      { name: 'One', email: null, url: 'http://one.example/' }, { name: 'Two', email: 'two@x.example', url: null },
    ]],
    ['itunes:author', `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><item><itunes:author>Pod Caster</itunes:author></item></channel></rss>`, [{ name: 'Pod Caster', email: null, url: null }]],
  ])('%s', async (_name, xml, authors) => {
    expect((await entries(xml))[0]?.authors).toEqual(authors);
  });

  it.each([
    // RFC 4287 4.2.1 and JSON Feed 1.1 "authors": the feed's authors are those of entries naming none.
    ['Atom: the feed author for an entry without one', atomEntry('<title>E</title>').replace('<title>T</title>', '<title>T</title><author><name>Feed Person</name></author>'), [{ name: 'Feed Person', email: null, url: null }]],
    ['Atom: the entry\'s own author first', atomEntry('<author><name>Own</name></author>').replace('<title>T</title>', '<title>T</title><author><name>Feed Person</name></author>'), [{ name: 'Own', email: null, url: null }]],
    ['JSON Feed: top-level authors', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', authors: [{ name: 'Top' }], items: [{ id: '1', content_text: 'x' }] }), [{ name: 'Top', email: null, url: null }]],
    ['RSS: managingEditor is the feed\'s, not the items\'', rssItem('<title>E</title>').replace('<title>T</title>', '<title>T</title><managingEditor>ed@site.example (Ed)</managingEditor>'), []],
  ])('%s', async (_name, text, authors) => {
    expect((await entries(text))[0]?.authors).toEqual(authors);
  });

  it('names the feed\'s own authors in the feed facts', async () => {
    const raw = await parseFeed(rssItem('<title>E</title>').replace('<title>T</title>', '<title>T</title><managingEditor>ed@site.example (Ed)</managingEditor>'), null);
    expect(normalizeFeed(raw, null, now).feed.authors).toEqual([{ name: 'Ed', email: 'ed@site.example', url: null }]);
  });
});

describe('double-encoded UTF-8 (issue 18): every text field, not titles only', () => {
  const m = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  it('repairs authors, categories, summaries, content and the feed title', async () => {
    const xml = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${m('Überblick')}</title><item>
      <title>${m('Vidéo du jour')}</title><dc:creator>${m('Françoise')}</dc:creator><category>${m('Vidéo')}</category><category>${m('Educação')}</category>
      <description>${m('Résumé')}</description></item></channel></rss>`;
    const raw = await parseFeed(xml, null);
    const feed = normalizeFeed(raw, null, now);
    expect(feed.feed.title).toBe('Überblick');
    expect(feed.entries[0]).toMatchObject({ title: 'Vidéo du jour', authors: [{ name: 'Françoise' }], categories: ['Vidéo', 'Educação'], summary: 'Résumé', contentHtml: '<p>Résumé</p>' });
  });

  it('repairs JSON Feed authors and tags too', async () => {
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: '1', title: m('Ã  la carte'), authors: [{ name: m('Jürgen') }], tags: [m('Ärger')] }] });
    expect((await entries(json))[0]).toMatchObject({ authors: [{ name: 'Jürgen' }], categories: ['Ärger'] });
  });
});

describe('content', () => {
  it('prefers content:encoded over description, which becomes the plain summary', async () => {
    const [entry] = await entries(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item>
      <description>Short &lt;b&gt;teaser&lt;/b&gt;</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded></item></channel></rss>`);
    expect(entry?.contentHtml).toBe('<p>Full <b>text</b></p>');
    expect(entry?.summary).toBe('Short teaser');
  });

  it('prefers Atom content over summary and keeps XHTML content in order', async () => {
    const [entry] = await entries(atomEntry('<summary>S</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Open <strong>daily</strong> until March.</p></div></content>'));
    expect(entry?.contentHtml).toBe('<p>Open <strong>daily</strong> until March.</p>');
    expect(entry?.summary).toBe('S');
  });

  it('sanitizes: no script, style, iframe, object, embed, form, handlers, javascript: or data: links; no 1×1 images', async () => {
    const [entry] = await entries(rssItem(`<description><![CDATA[<p onclick="x()" style="color:red">ok</p><script>bad()</script><style>p{}</style>
      <iframe src="http://e.example"></iframe><object></object><embed src="x"><form action="/"><input></form>
      <a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a><img src="http://t.example/p.gif" width="1" height="1"><img src="data:image/png;base64,AA">]]></description>`));
    expect(entry?.contentHtml).toBe('<p>ok</p>\n      \n      <a rel="noopener noreferrer">j</a><a rel="noopener noreferrer">d</a><img src="data:image/png;base64,AA" />');
  });
});

describe('media and categories', () => {
  const media = `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>
    <enclosure url="http://m.example/a.mp3" type="audio/mpeg" length="123"/>
    <media:group><media:content url="http://m.example/v.mp4" type="video/mp4" fileSize="9"/><media:thumbnail url="http://m.example/t.jpg"/></media:group>
    <media:content url="http://m.example/a.mp3"/>
    <category>News</category><category>news</category><dc:subject>Science</dc:subject><itunes:category text="Tech"><itunes:category text="Gadgets"/></itunes:category>
  </item></channel></rss>`;

  it('collects enclosures from RSS, media:content and media:group without duplicates', async () => {
    const [entry] = await entries(media);
    expect(entry?.enclosures).toEqual([
      { url: 'http://m.example/a.mp3', type: 'audio/mpeg', length: 123 },
      { url: 'http://m.example/v.mp4', type: 'video/mp4', length: 9 },
    ]);
    expect(entry?.imageUrl).toBe('http://m.example/t.jpg');
  });

  it('collects categories from category, dc:subject and itunes:category, deduplicated', async () => {
    expect((await entries(media))[0]?.categories).toEqual(['News', 'Science', 'Tech', 'Gadgets']);
  });

  it('reads Atom rel="enclosure", category term and itunes:image', async () => {
    const [entry] = await entries(atomEntry('<link rel="enclosure" href="http://m.example/f.pdf" type="application/pdf" length="5"/><category term="weather" label="Weather"/><itunes:image xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" href="http://m.example/i.png"/>'));
    expect(entry?.enclosures).toEqual([{ url: 'http://m.example/f.pdf', type: 'application/pdf', length: 5 }]);
    expect(entry?.categories).toEqual(['weather']);
    expect(entry?.imageUrl).toBe('http://m.example/i.png');
  });

  it('reads JSON Feed attachments, image, tags and authors', async () => {
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 1, url: 'http://j.example/1', content_text: 'Hello\n\nWorld', image: 'http://j.example/i.png', tags: ['a', 'A', 'b'], authors: [{ name: 'Q' }], attachments: [{ url: 'http://j.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 7 }], date_published: '2026-11-01T00:00:00Z' }] });
    const [entry] = await entries(json);
    expect(entry).toMatchObject({ guid: '1', title: 'Hello World', contentHtml: '<p>Hello</p><p>World</p>', imageUrl: 'http://j.example/i.png', categories: ['a', 'b'], authors: [{ name: 'Q', email: null, url: null }], enclosures: [{ url: 'http://j.example/a.mp3', type: 'audio/mpeg', length: 7 }], publishedAt: '2026-11-01T00:00:00.000Z' });
  });
});

describe('recovery', () => {
  it.each([
    ['bare ampersands', rssItem('<title>Q&A: Tom & Jerry</title>'), 'Q&A: Tom & Jerry'],
    ['control characters', rssItem('<title>bell\u0007 and\u0001 nul</title>'), 'bell and nul'],
    ['a BOM and whitespace before the declaration', `\uFEFF  \n<?xml version="1.0"?>${rssItem('<title>bom</title>')}`, 'bom'],
    ['undeclared namespace prefixes', `<rss version="2.0"><channel><item><title>p</title><dc:creator>Undeclared</dc:creator></item></channel></rss>`, 'p'],
    ['mismatched end tags', rssItem('<title>mis<b>matched</title></item><item><title>second</title>'), 'mismatched'],
  ])('%s', async (_name, xml, title) => {
    expect((await entries(xml))[0]?.title).toBe(title);
  });

  it('reads items that sit outside any channel, and <rss> without a version', async () => {
    expect((await entries('<rss><item><title>loose</title></item></rss>')).map((entry) => entry.title)).toEqual(['loose']);
  });
});

describe('feedparser corpus differences (issue 11)', () => {
  it.each([
    ['an uppercase &#X61; reference marks HTML', rssItem('<description>&amp;#X61;</description>'), 'summary', 'a'],
    ['C1 controls are Windows-1252', rssItem('<description>don\u0092t</description>'), 'summary', 'don\u2019t'],
    ['double-encoded UTF-8 is repaired', rssItem('<description>&#226;&#128;&#166;</description>'), 'summary', '\u2026'],
    ['type="html" wrapped in an XHTML div: the text inside is the HTML', atomEntry('<content type="html"><div xmlns="http://www.w3.org/1999/xhtml">Example &lt;b&gt;Atom&lt;/b&gt;</div></content>'), 'contentHtml', 'Example <b>Atom</b>'],
    ['summary and description: the first is the summary', rssItem('<summary>S</summary><description>D</description>'), 'summary', 'S'],
    ['description and summary: the first is the summary', rssItem('<description>D</description><summary>S</summary>'), 'summary', 'D'],
    ['media:description in a media:group is the summary when there is no other', rssItem('<media:group xmlns:media="http://search.yahoo.com/mrss/"><media:description type="plain">From media</media:description></media:group>'), 'summary', 'From media'],
    ['the last of several <updated> counts', atomEntry('<updated>2010-12-01T10:14:55Z</updated><updated>2003-12-31T10:14:55Z</updated>'), 'updatedAt', '2003-12-31T10:14:55.000Z'],
  ])('%s', async (_name, xml, field, value) => {
    expect((await entries(xml))[0]?.[field as 'summary']).toBe(value);
  });

  it('a CDF CHANNEL BASE is the base of its items', async () => {
    const xml = '<CHANNEL BASE="http://base.example.org/" HREF="http://www.example.org/"><TITLE>t</TITLE><ITEM HREF="/item/1"><TITLE>i</TITLE></ITEM></CHANNEL>';
    expect((await entries(xml, null))[0]?.url).toBe('http://base.example.org/item/1');
  });
});

