/** What the document builders share: the item model, the options, and text helpers. */
import type { Article } from '../model/article.js';

/** An article and the source credited with it: the one whose copy supplies its text. */
export interface PublishedItem {
  article: Article;
  canonicalSourceId: string;
}

export interface SourceInfo {
  id: string;
  title: string;
  url: string;
}

export interface DocumentUrls {
  rss: string;
  atom: string;
  json: string;
  /** The site the feeds belong to (`output.link`). */
  home: string;
}

export interface FeedOptions {
  title: string;
  urls: DocumentUrls;
  sources: ReadonlyMap<string, SourceInfo>;
  ttlMinutes: number;
  hub: string | null;
}

/** The item fields every format shares; each builder adds its own. */
export function baseItem({ article }: PublishedItem, options: FeedOptions) {
  return {
    title: article.title || '(untitled)',
    id: itemId(article),
    link: article.url ?? options.urls.home,
    date: articleUpdated(article),
    published: articleTime(article),
    content: article.contentHtml ?? undefined,
  };
}

/** A stable item id that never changes across runs (RFC 4151 tag URI). */
export function itemId(article: Article): string {
  return `tag:feedagg,2024:article/${article.id}`;
}

/** The time readers sort by: published, else first seen. */
export function articleTime(article: Article): Date {
  return new Date(article.publishedAt ?? article.sources[0]?.seenAt ?? '1970-01-01T00:00:00Z');
}

/** The time the item last changed. */
export function articleUpdated(article: Article): Date {
  return new Date(article.updatedAt ?? article.publishedAt ?? article.sources[0]?.seenAt ?? '1970-01-01T00:00:00Z');
}

/** Plain text as HTML (titles and summaries are plain text; RSS and Atom carry them as HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** XML 1.0 section 2.2: characters that may not appear in a document at all. */
export function stripInvalidXmlCharacters(xml: string): string {
  return xml.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** The newest change among the items: a feed's own date, so an unchanged window is byte-identical. */
export function newestUpdate(items: PublishedItem[]): Date {
  return items.reduce((latest, item) => {
    const time = articleUpdated(item.article);
    return time > latest ? time : latest;
  }, new Date(0));
}
