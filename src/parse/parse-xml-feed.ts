/**
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom through rss-parser; the adapter below maps its loose
 * objects onto RawEntry so no rss-parser type leaves src/parse/.
 */
import Parser from 'rss-parser';
import { emptyEntry, type FeedFormat, type FeedHints, type RawEnclosure, type RawEntry, type RawFeed, type RawPerson } from './raw-feed.js';
import { asArray, field, nodeAttr, nodeChild, nodeText, type XmlNode } from './xml-node.js';

type Item = Record<string, unknown>;

// rss-parser's typings omit the documented [from, to, {keepArray}] field form: hence the cast.
const parser = new Parser<Item, Item>({
  customFields: {
    feed: [['link', 'links', { keepArray: true }], 'language', ['dc:language', 'dcLanguage'], ['sy:updatePeriod', 'updatePeriod'], ['sy:updateFrequency', 'updateFrequency']],
    item: [
      ['link', 'links', { keepArray: true }],
      ['author', 'authorsRaw', { keepArray: true }],
      ['category', 'categoriesRaw', { keepArray: true }],
      ['dc:subject', 'subjects', { keepArray: true }],
      ['media:content', 'mediaContent', { keepArray: true }],
      ['media:group', 'mediaGroup', { keepArray: true }],
      ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
      ['itunes:image', 'itunesImage'],
      'id', 'updated', 'published', 'issued', 'modified', 'created',
    ],
  },
} as unknown as Parser.ParserOptions<Item, Item>);

function person(node: XmlNode): RawPerson | null {
  if (typeof node === 'string') return null; // free text: handled as authorText
  const name = nodeText(nodeChild(node, 'name')[0]);
  const email = nodeText(nodeChild(node, 'email')[0]);
  const url = nodeText(nodeChild(node, 'uri')[0]) ?? nodeText(nodeChild(node, 'url')[0]);
  return name || email || url ? { name, email, url } : null;
}

function categories(item: Item): string[] {
  const out: string[] = [];
  for (const node of [...asArray(item.categoriesRaw), ...asArray(item.subjects)]) {
    const value = nodeAttr(node, 'label') ?? nodeAttr(node, 'term') ?? nodeText(node);
    if (value?.trim()) out.push(value.trim());
  }
  return out;
}

function mediaEnclosures(nodes: XmlNode[]): RawEnclosure[] {
  return nodes.flatMap((node) => {
    const url = nodeAttr(node, 'url');
    return url ? [{ url, type: nodeAttr(node, 'type') ?? (nodeAttr(node, 'medium') === 'image' ? 'image' : null), length: nodeAttr(node, 'fileSize') }] : [];
  });
}

function enclosures(item: Item): RawEnclosure[] {
  const out: RawEnclosure[] = [];
  const rss = item.enclosure as Record<string, unknown> | undefined;
  if (rss && typeof rss.url === 'string') {
    out.push({ url: rss.url, type: typeof rss.type === 'string' ? rss.type : null, length: typeof rss.length === 'string' ? rss.length : null });
  }
  for (const link of asArray(item.links)) {
    const href = nodeAttr(link, 'href');
    if (href && nodeAttr(link, 'rel') === 'enclosure') out.push({ url: href, type: nodeAttr(link, 'type'), length: nodeAttr(link, 'length') });
  }
  out.push(...mediaEnclosures(asArray(item.mediaContent)));
  for (const group of asArray(item.mediaGroup)) out.push(...mediaEnclosures(nodeChild(group, 'media:content')));
  return out;
}

/** RFC 4287 4.2.7.2: rel="alternate" is the entry's link; a link without rel means alternate. */
function entryLink(item: Item): string | null {
  const links = asArray(item.links);
  const atomLinks = links.filter((link) => nodeAttr(link, 'href') !== null);
  if (atomLinks.length > 0) {
    const alternate = atomLinks.find((link) => (nodeAttr(link, 'rel') ?? 'alternate') === 'alternate');
    return alternate ? nodeAttr(alternate, 'href') : null;
  }
  return links.map(nodeText).find((text) => text?.trim())?.trim() ?? null;
}

function imageUrl(item: Item): string | null {
  const thumb = asArray(item.mediaThumbnail).map((node) => nodeAttr(node, 'url')).find(Boolean);
  return thumb ?? nodeAttr(item.itunesImage, 'href') ?? null;
}

function toEntry(item: Item): RawEntry {
  const authors = asArray(item.authorsRaw).map(person).filter((value): value is RawPerson => value !== null);
  return {
    ...emptyEntry(),
    guid: field(item, 'guid') ?? field(item, 'id') ?? field(item, 'rdf:about'),
    link: entryLink(item),
    title: field(item, 'title'),
    summary: field(item, 'summary') ?? (field(item, 'content:encoded') ? field(item, 'content') : null),
    contentHtml: field(item, 'content:encoded') ?? field(item, 'content'),
    authors,
    authorText: authors.length > 0 ? null : field(item, 'creator') ?? field(item, 'author'),
    categories: categories(item),
    published: field(item, 'published') ?? field(item, 'pubDate') ?? field(item, 'issued') ?? field(item, 'date') ?? field(item, 'created'),
    updated: field(item, 'updated') ?? field(item, 'modified'),
    enclosures: enclosures(item),
    imageUrl: imageUrl(item),
    language: field(item, 'language'),
  };
}

function detectXmlFormat(text: string): FeedFormat {
  if (/<rdf:RDF[\s>]/i.test(text)) return 'rdf';
  if (/<feed[\s>]/.test(text) && !/<rss[\s>]/.test(text)) return 'atom';
  return 'rss';
}

function feedLink(feed: Item, format: FeedFormat): string | null {
  if (format !== 'atom') return field(feed, 'link');
  const links = asArray(feed.links);
  const alternate = links.find((link) => (nodeAttr(link, 'rel') ?? 'alternate') === 'alternate');
  return alternate ? nodeAttr(alternate, 'href') : null;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function positiveNumber(text: string | null): number | null {
  const value = Number(text?.trim());
  return text !== null && Number.isFinite(value) && value > 0 ? value : null;
}

/** RSS 2.0 <ttl>, <skipHours>/<hour>, <skipDays>/<day>; RSS 1.0 syndication module sy:*. */
function feedHints(feed: Item): FeedHints {
  const hours = asArray(feed.skipHours).flatMap((node) => nodeChild(node, 'hour')).map((node) => Number(nodeText(node)?.trim()));
  const days = asArray(feed.skipDays).flatMap((node) => nodeChild(node, 'day')).map((node) => nodeText(node)?.trim().toLowerCase() ?? '');
  return {
    ttlMinutes: positiveNumber(field(feed, 'ttl')),
    updatePeriod: field(feed, 'updatePeriod')?.trim().toLowerCase() ?? null,
    updateFrequency: positiveNumber(field(feed, 'updateFrequency')),
    skipHours: [...new Set(hours.filter((hour) => Number.isInteger(hour) && hour >= 0 && hour <= 24).map((hour) => hour % 24))],
    skipDays: DAYS.filter((day) => days.includes(day.toLowerCase())),
  };
}

/** Throws the underlying parser error when the text is not well-formed enough to read. */
export async function parseXmlFeed(text: string): Promise<RawFeed> {
  const feed = (await parser.parseString(text)) as unknown as Item & { items: Item[] };
  const format = detectXmlFormat(text.slice(0, 4096));
  const rootLang = /<feed[^>]*\sxml:lang=["']([^"']+)["']/.exec(text.slice(0, 4096))?.[1] ?? null;
  return {
    format,
    version: format === 'rss' ? (/<rss[^>]*version=["']([^"']+)["']/.exec(text)?.[1] ?? null) : format === 'rdf' ? '1.0' : 'atom',
    title: field(feed, 'title'),
    link: feedLink(feed, format),
    language: field(feed, 'language') ?? field(feed, 'dcLanguage') ?? rootLang,
    hints: feedHints(feed),
    entries: (feed.items ?? []).map(toEntry),
  };
}
