/**
 * Articles → RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents, with the `feed` package. Pure: the
 * same articles and options always give byte-identical output (the feed's own date is its
 * newest item's, never "now").
 */
import { Feed, type Item } from 'feed';
import type { Article } from '../model/article.js';
import { toJsonFeed11 } from './json-feed.js';

export interface SourceInfo {
  id: string;
  title: string;
  url: string;
}

export interface FeedOptions {
  title: string;
  /** Public base URL the outputs are reachable at (`output.link`). */
  link: string;
  /** Paths of the three documents under `link`. */
  paths: { rss: string; atom: string; json: string };
  sources: ReadonlyMap<string, SourceInfo>;
  ttlMinutes?: number;
  hub?: string | null;
}

/** An article and the source credited with it: the one whose copy supplies its text. */
export interface PublishedItem {
  article: Article;
  canonicalSourceId: string;
}

export interface BuiltFeeds {
  rss: string;
  atom: string;
  json: string;
}

const GENERATOR = 'feedagg';

/** A stable item id that never changes across runs (RFC 4151 tag URI). */
export function itemId(article: Article): string {
  return `tag:feedagg,2024:article/${article.id}`;
}

/** The time a reader should sort an article by: published, else first seen. */
export function articleTime(article: Article): Date {
  const text = article.publishedAt ?? article.sources[0]?.seenAt ?? '1970-01-01T00:00:00Z';
  return new Date(text);
}

function articleUpdated(article: Article): Date {
  return new Date(article.updatedAt ?? article.publishedAt ?? article.sources[0]?.seenAt ?? '1970-01-01T00:00:00Z');
}

function sourceExtension(item: PublishedItem, sources: ReadonlyMap<string, SourceInfo>): Item['extensions'] {
  const canonical = sources.get(item.canonicalSourceId);
  if (!canonical) return [];
  // RSS 2.0 <source url="…">: the channel the item came from.
  return [{ name: 'source', objects: { _attributes: { url: canonical.url }, _text: canonical.title } }];
}

function toItem(item: PublishedItem, options: FeedOptions): Item {
  const { article } = item;
  const enclosure = article.enclosures[0];
  return {
    title: article.title || '(untitled)',
    id: itemId(article),
    guid: itemId(article),
    link: article.url ?? options.link,
    date: articleUpdated(article),
    published: articleTime(article),
    description: article.summary ?? undefined,
    content: article.contentHtml ?? undefined,
    // `feed` reads author[0] unguarded in JSON output: no array rather than an empty one.
    author: article.authors.length > 0 ? article.authors.map((author) => ({ name: author.name, email: author.email ?? undefined, link: author.url ?? undefined })) : undefined,
    category: article.categories.map((name) => ({ name, term: name })),
    enclosure: enclosure ? { url: enclosure.url, type: enclosure.type ?? 'application/octet-stream', length: enclosure.length ?? 0 } : undefined,
    image: article.imageUrl ?? undefined,
    extensions: sourceExtension(item, options.sources),
  };
}

export function buildFeeds(published: PublishedItem[], options: FeedOptions): BuiltFeeds {
  const articles = published.map((item) => item.article);
  const urls = {
    rss: new URL(options.paths.rss, options.link).toString(),
    atom: new URL(options.paths.atom, options.link).toString(),
    json: new URL(options.paths.json, options.link).toString(),
  };
  const newest = articles.reduce<Date | null>((latest, article) => {
    const time = articleUpdated(article);
    return latest === null || time > latest ? time : latest;
  }, null);
  const common = {
    title: options.title,
    id: options.link,
    link: options.link,
    description: options.title,
    updated: newest ?? new Date(0),
    generator: GENERATOR,
    author: { name: options.title, link: options.link },
    ttl: options.ttlMinutes,
    hub: options.hub ?? undefined,
  };
  const items = published.map((item) => toItem(item, options));
  const render = (self: string): Feed => {
    const feed = new Feed({ ...common, feed: self, feedLinks: urls });
    for (const item of items) feed.addItem(item);
    return feed;
  };
  return {
    rss: render(urls.rss).rss2(),
    atom: render(urls.atom).atom1(),
    json: toJsonFeed11(render(urls.json).json1(), published, options.sources),
  };
}
