/**
 * Atom 1.0 (RFC 4287) with the `feed` package, then corrected where `feed` falls short, by
 * editing its document tree with xml-js (the library `feed` itself writes with):
 * - every enclosure as `link rel="enclosure"` with its real type and length (`feed` writes at
 *   most one per kind and guesses the type from the file extension);
 * - atom:source (4.2.11) with id, title and link of the source the text comes from;
 * - feed-level links to the RSS and JSON documents;
 * - titles and summaries as type="text" (they are plain text; `feed` declares them html).
 * Categories carry `term` (4.2.2.2), and a feed-level author covers entries without one (4.1.1).
 */
import { Feed, type Item } from 'feed';
import { js2xml, xml2js, type ElementCompact } from 'xml-js';
import { escapeUTF8 as escapeMarkup } from 'entities';
import { baseItem, newestUpdate, publishedSummary, xmlJsText, type FeedOptions, type PublishedItem } from './published-item.js';

// xml-js decodes attribute values when reading but does not escape them when writing.
const XML_OPTIONS = { compact: true, spaces: 4, attributeValueFn: escapeMarkup } as const;

function toItem(item: PublishedItem, options: FeedOptions): Item {
  const { article } = item;
  return {
    ...baseItem(item, options),
    description: publishedSummary(article) ?? undefined,
    author: article.authors.length > 0 ? article.authors.map((author) => ({ name: author.name, email: author.email ?? undefined, link: author.url ?? undefined })) : undefined,
    category: article.categories.map((name) => ({ term: name, name })),
  };
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function sourceElement({ canonicalSourceId }: PublishedItem, options: FeedOptions): ElementCompact | null {
  const source = options.sources.get(canonicalSourceId);
  if (!source) return null;
  return {
    id: { _text: source.url },
    title: { _text: source.title },
    link: { _attributes: { rel: 'self', href: source.url } },
  };
}

function correctEntries(document: ElementCompact, items: PublishedItem[], options: FeedOptions): void {
  const feed = document.feed as ElementCompact;
  feed.link = [
    ...asArray(feed.link as ElementCompact | ElementCompact[]),
    { _attributes: { rel: 'alternate', type: 'application/rss+xml', href: options.urls.rss } },
    { _attributes: { rel: 'alternate', type: 'application/feed+json', href: options.urls.json } },
  ];
  asArray(feed.entry as ElementCompact | ElementCompact[]).forEach((entry, index) => {
    const item = items[index];
    if (!item) return;
    const enclosures = item.article.enclosures.map((enclosure) => ({
      _attributes: { rel: 'enclosure', href: enclosure.url, type: enclosure.type ?? 'application/octet-stream', ...(enclosure.length ? { length: String(enclosure.length) } : {}) },
    }));
    entry.link = [...asArray(entry.link as ElementCompact | ElementCompact[]), ...enclosures];
    const source = sourceElement(item, options);
    if (source) entry.source = source;
    // `feed` marks every title and summary type="html"; ours are plain text (RFC 4287 3.1.1.1).
    entry.title = { _attributes: { type: 'text' }, _text: item.article.title || '(untitled)' };
    const summary = publishedSummary(item.article);
    if (summary) entry.summary = { _attributes: { type: 'text' }, _text: summary };
  });
}

/** Make every text node exact through xml-js's writer (see xmlJsText). */
function exactTexts(node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) exactTexts(child);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const element = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(element)) {
    if (key === '_text' && typeof value === 'string') element[key] = xmlJsText(value);
    else if (key !== '_attributes') exactTexts(value);
  }
}

export function buildAtom(items: PublishedItem[], options: FeedOptions): string {
  const feed = new Feed({
    title: options.title,
    id: options.urls.atom,
    link: options.urls.home,
    feed: options.urls.atom,
    hub: options.hub ?? undefined,
    updated: newestUpdate(items, options.emptyFeedDate),
    generator: 'feedagg',
    author: { name: options.title, link: options.urls.home },
  });
  for (const item of items) feed.addItem(toItem(item, options));
  const document = xml2js(feed.atom1(), { compact: true }) as ElementCompact;
  correctEntries(document, items, options);
  exactTexts(document);
  return `${js2xml(document, XML_OPTIONS)}\n`;
}
