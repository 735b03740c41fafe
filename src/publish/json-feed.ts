/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) with the `feed` package, whose json1()
 * writes 1.0: lifted to 1.1 (`authors` arrays, `language`, `hubs`), every item given the
 * content it must have (content_html or content_text), and every source of a merged story
 * listed in the `_feedagg` extension object (spec section "Extensions").
 */
import { Feed, type Item } from 'feed';
import { baseItem, newestUpdate, publishedSummary, type FeedOptions, type PublishedItem } from './published-item.js';

type JsonObject = Record<string, unknown>;

function toItem(item: PublishedItem, options: FeedOptions): Item {
  const { article } = item;
  return {
    ...baseItem(item, options),
    description: publishedSummary(article) ?? undefined,
    image: article.imageUrl ?? undefined,
    category: article.categories.map((name) => ({ name })),
  };
}

function sourcesExtension({ article, canonicalSourceId, sourceCount }: PublishedItem, options: FeedOptions): JsonObject {
  return {
    canonical_source: canonicalSourceId,
    // Only the first 50 sources are kept; the count says how many there were in all.
    ...(sourceCount !== undefined && sourceCount > article.sources.length ? { source_count: sourceCount } : {}),
    sources: article.sources.map((source) => ({
      id: source.sourceId,
      title: options.sources.get(source.sourceId)?.title ?? source.sourceId,
      feed_url: options.sources.get(source.sourceId)?.url ?? null,
      url: source.url,
      seen_at: source.seenAt,
    })),
  };
}

function liftItem(item: JsonObject, published: PublishedItem | undefined, options: FeedOptions): JsonObject {
  const { author: _author, ...out } = item;
  if (!published) return out;
  const { article } = published;
  if (out.content_html === undefined) out.content_text = article.summary ?? article.title;
  if (out.summary === undefined) delete out.summary;
  if (article.authors.length > 0) out.authors = article.authors.map((author) => ({ name: author.name, ...(author.url ? { url: author.url } : {}) }));
  if (article.language) out.language = article.language;
  if (Array.isArray(out.tags) && out.tags.length === 0) delete out.tags;
  if (article.enclosures.length > 0) {
    out.attachments = article.enclosures.map((enclosure) => ({
      url: enclosure.url,
      mime_type: enclosure.type ?? 'application/octet-stream',
      ...(enclosure.length ? { size_in_bytes: enclosure.length } : {}),
    }));
  }
  out._feedagg = sourcesExtension(published, options);
  return out;
}

export function buildJsonFeed(items: PublishedItem[], options: FeedOptions): string {
  const feed = new Feed({
    title: options.title,
    link: options.urls.home,
    feedLinks: { json: options.urls.json },
    updated: newestUpdate(items, options.emptyFeedDate),
    author: { name: options.title, link: options.urls.home },
  });
  for (const item of items) feed.addItem(toItem(item, options));
  const document = JSON.parse(feed.json1()) as JsonObject & { items?: JsonObject[]; author?: JsonObject };
  const { author, items: jsonItems, ...rest } = document;
  const lifted: JsonObject = {
    ...rest,
    version: 'https://jsonfeed.org/version/1.1',
    ...(author ? { authors: [author] } : {}),
    ...(options.hub ? { hubs: [{ type: 'WebSub', url: options.hub }] } : {}),
    items: (jsonItems ?? []).map((item, index) => liftItem(item, items[index], options)),
  };
  return `${JSON.stringify(lifted, null, 2)}\n`;
}
