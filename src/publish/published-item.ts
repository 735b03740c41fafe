/** What the document builders share: the item model, the options, and text helpers. */
import type { Article } from '../model/article.js';
import { cutHtml } from '../normalize/document-limits.js';
import { htmlToText } from '../normalize/html-to-text.js';

/** An article and the source credited with it: the one whose copy supplies its text. */
export interface PublishedItem {
  article: Article;
  canonicalSourceId: string;
  /** Sources in all, when more delivered the story than `article.sources` lists (the first 50). */
  sourceCount?: number;
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
  /** The feed's own date when it has no item (the publish time): never 1970. */
  emptyFeedDate?: Date;
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

/**
 * Plain text for an RSS element that readers may render as HTML (titles, categories, names:
 * RSS 2.0 does not say, and many readers do). `<` and `>` are escaped, and `&` where it would
 * start a character reference, so an HTML reader shows the text as written (`<script>` as
 * text, never as a tag) and a plain-text reader sees the same text wherever no markup was.
 */
export function htmlSafeText(text: string): string {
  return text.replace(/&(?=#|[A-Za-z][A-Za-z0-9]*;|(?:amp|lt|gt|quot|nbsp|copy|reg)(?![A-Za-z0-9]))/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text for xml-js (which `feed` writes with): its writer first turns every `&amp;` back into
 * `&` ("to avoid double sanitization") and then escapes, so a literal `&amp;` in the text
 * would come out as `&`. Doubling it first makes the written text exact.
 */
export function xmlJsText(text: string): string {
  return text.replace(/&amp;/g, '&amp;amp;');
}

/** XML 1.0 section 2.2: characters that may not appear in a document at all. */
export function stripInvalidXmlCharacters(xml: string): string {
  // One pass over the code units, kept runs sliced out whole: linear however many characters
  // go (two global regex replaces, one with a lookbehind, ran 3.2× slower at 2n than at n on a
  // loaded machine). A surrogate pair is kept only when its halves are adjacent in the input.
  // Most documents have none of these: one native scan says so.
  if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/.test(xml)) return xml;
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < xml.length; index += 1) {
    const code = xml.charCodeAt(index);
    if (code >= 0x20 && code < 0xd800) continue;
    let drop: boolean;
    if (code < 0x20) drop = code !== 0x09 && code !== 0x0a && code !== 0x0d;
    else if (code <= 0xdbff) {
      const next = xml.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
      drop = true;
    } else drop = code <= 0xdfff || code === 0xfffe || code === 0xffff;
    if (!drop) continue;
    if (index > start) parts.push(xml.slice(start, index));
    start = index + 1;
  }
  if (start === 0) return xml;
  if (start < xml.length) parts.push(xml.slice(start));
  return parts.join('');
}

/**
 * The newest change among the items: a feed's own date, so an unchanged window is
 * byte-identical. An empty feed has no such date: it takes the publish time instead.
 */
export function newestUpdate(items: PublishedItem[], emptyFeedDate: Date = new Date()): Date {
  if (items.length === 0) return emptyFeedDate;
  return items.reduce((latest, item) => {
    const time = articleUpdated(item.article);
    return time > latest ? time : latest;
  }, new Date(0));
}

/** Summaries shorter than this are kept whatever they say: a list view shows them. */
const COPY_MIN_LENGTH = 1024;

/**
 * The summary to publish beside the content, or null when it is a copy of the content's own
 * text (an HTML description read as both): an item carries the same text once, not twice (a
 * 9.4 MB feed made an 18.7 MB published document). Only the content's first 4 KB are read.
 */
export function publishedSummary(article: Pick<Article, 'summary' | 'contentHtml'>): string | null {
  const { summary, contentHtml } = article;
  if (!summary || !contentHtml || summary.length < COPY_MIN_LENGTH) return summary;
  const opening = htmlToText(cutHtml(contentHtml, 4096));
  const probe = summary.slice(0, Math.min(1000, opening.length - 64));
  return probe.length >= COPY_MIN_LENGTH / 2 && opening.startsWith(probe) ? null : summary;
}
