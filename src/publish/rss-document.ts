/**
 * RSS 2.0 with the `feed` package, given what it needs to be valid
 * (https://www.rssboard.org/rss-specification, W3C Feed Validator):
 * - titles are plain text, the summary is HTML-escaped text in <description>;
 * - names without an email go to dc:creator (RSS <author> must be an email address);
 * - one <enclosure> per item (RSS allows one); the image goes to media:thumbnail, because
 *   `feed` would turn it into a second, clobbering enclosure;
 * - <source url> credits the source the text comes from;
 * - atom:link rel="self", rel="hub" and rel="alternate" to the Atom and JSON documents, with
 *   every namespace used declared on <rss>.
 */
import { Feed, type Item } from 'feed';
import { escapeUTF8 as escapeMarkup } from 'entities';
import { baseItem, htmlSafeText, itemId, newestUpdate, publishedSummary, xmlJsText, type FeedOptions, type PublishedItem } from './published-item.js';

/** Plain text for an RSS text element: HTML-safe for readers that render it, exact through xml-js. */
function rssText(text: string): string {
  return xmlJsText(htmlSafeText(text));
}

type Extension = NonNullable<Item['extensions']>[number];

/** `feed` writes extension attributes as given (xml-js escapes text, not attributes). */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const NAMESPACES: Record<string, string> = {
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  media: 'http://search.yahoo.com/mrss/',
};

function itemExtensions({ article, canonicalSourceId }: PublishedItem, options: FeedOptions): Extension[] {
  const extensions: Extension[] = [];
  const source = options.sources.get(canonicalSourceId);
  if (source) extensions.push({ name: 'source', objects: { _attributes: { url: attribute(source.url) }, _text: rssText(source.title) } });
  const names = article.authors.filter((author) => !author.email).map((author) => ({ _text: rssText(author.name) }));
  if (names.length > 0) extensions.push({ name: 'dc:creator', objects: names as unknown as Record<string, unknown> });
  if (article.imageUrl) extensions.push({ name: 'media:thumbnail', objects: { _attributes: { url: attribute(article.imageUrl) } } });
  return extensions;
}

function toItem(published: PublishedItem, options: FeedOptions): Item {
  const { article } = published;
  const enclosure = article.enclosures[0];
  const withEmail = article.authors.filter((author) => author.email);
  const summary = publishedSummary(article);
  return {
    ...baseItem(published, options),
    // Titles are plain text; written so that readers that render them as HTML (many do)
    // show the same text, and markup in them (`<script>`) stays text.
    title: htmlSafeText(article.title || '(untitled)'),
    guid: itemId(article),
    // Plain text as HTML: RSS carries the summary as HTML.
    description: summary ? escapeMarkup(summary) : undefined,
    author: withEmail.length > 0 ? withEmail.map((author) => ({ name: rssText(author.name), email: author.email ?? undefined })) : undefined,
    category: article.categories.map((name) => ({ name: rssText(name) })),
    enclosure: enclosure ? { url: enclosure.url, type: enclosure.type ?? 'application/octet-stream', length: enclosure.length ?? 0 } : undefined,
    extensions: itemExtensions(published, options),
  };
}

function channelLinks(options: FeedOptions): Extension {
  const links = [
    { href: options.urls.rss, rel: 'self', type: 'application/rss+xml' },
    { href: options.urls.atom, rel: 'alternate', type: 'application/atom+xml' },
    { href: options.urls.json, rel: 'alternate', type: 'application/feed+json' },
    ...(options.hub ? [{ href: options.hub, rel: 'hub' }] : []),
  ];
  const objects = links.map((link) => ({ _attributes: Object.fromEntries(Object.entries(link).map(([name, value]) => [name, attribute(value)])) }));
  return { name: 'atom:link', objects: objects as unknown as Record<string, unknown> };
}

/** Declare on <rss> every namespace prefix the document uses (`feed` only declares some). */
function declareNamespaces(xml: string): string {
  const used = Object.keys(NAMESPACES).filter((prefix) => xml.includes(`<${prefix}:`) && !xml.includes(`xmlns:${prefix}=`));
  const declarations = used.map((prefix) => ` xmlns:${prefix}="${NAMESPACES[prefix]}"`).join('');
  return xml.replace('<rss version="2.0"', `<rss version="2.0"${declarations}`);
}

export function buildRss(items: PublishedItem[], options: FeedOptions): string {
  const feed = new Feed({
    title: options.title,
    id: options.urls.home,
    link: options.urls.home,
    description: options.title,
    updated: newestUpdate(items, options.emptyFeedDate),
    generator: 'feedagg',
    ttl: options.ttlMinutes,
  });
  feed.addExtension(channelLinks(options));
  for (const item of items) feed.addItem(toItem(item, options));
  return declareNamespaces(feed.rss2());
}
