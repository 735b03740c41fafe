/**
 * RawEntry → the Article fields a feed supplies (everything but identity and provenance).
 * Pure: the clock and the base URLs come in as arguments.
 */
import type { Article, Enclosure } from '../model/article.js';
import type { RawEnclosure, RawEntry } from '../parse/raw-feed.js';
import { normalizeAuthors } from './authors.js';
import { firstWords, htmlToText } from './html-to-text.js';
import { parseDate } from './parse-date.js';
import { sanitizeContent } from './sanitize-content.js';
import { canonicalUrl, resolveUrl } from './urls.js';

export type EntryFields = Omit<Article, 'id' | 'sourceId' | 'sources'>;

export interface NormalizeContext {
  /** URL the document was fetched from (after redirects); relative links resolve against it. */
  documentUrl: string | null;
  /** The feed's own site link, the last base for relative links. */
  feedLink: string | null;
  feedLanguage: string | null;
  now: Date;
}

const TITLE_FALLBACK_WORDS = 12;

function enclosures(raw: RawEnclosure[], bases: Array<string | null>): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const enclosure of raw) {
    const url = resolveUrl(enclosure.url, ...bases);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const length = Number(enclosure.length);
    out.push({ url, type: enclosure.type?.trim() || null, length: Number.isFinite(length) && length > 0 ? length : null });
  }
  return out;
}

function uniqueCategories(values: string[]): string[] {
  const seen = new Set<string>();
  return values.map((value) => htmlToText(value)).filter((value) => value && !seen.has(value.toLowerCase()) && Boolean(seen.add(value.toLowerCase())));
}

function plainOrNull(html: string | null): string | null {
  const text = html ? htmlToText(html) : '';
  return text || null;
}

export function normalizeEntry(raw: RawEntry, context: NormalizeContext): EntryFields {
  const bases = [context.documentUrl, context.feedLink];
  const link = resolveUrl(raw.link, ...bases) ?? (raw.guid && /^https?:\/\//i.test(raw.guid) ? resolveUrl(raw.guid) : null);
  const contentBase = link ?? context.documentUrl ?? context.feedLink;
  const contentSource = raw.contentHtml ?? raw.summary;
  const contentHtml = contentSource ? sanitizeContent(contentSource, contentBase) : raw.contentText ? sanitizeContent(escapeText(raw.contentText), contentBase) : null;
  const summary = plainOrNull(raw.summary) ?? (raw.contentText ? htmlToText(escapeText(raw.contentText)) : null);
  const bodyText = summary ?? plainOrNull(contentHtml);
  const title = plainOrNull(raw.title) ?? (bodyText ? firstWords(bodyText, TITLE_FALLBACK_WORDS) : '');
  const published = parseDate(raw.published, context.now);
  const updated = parseDate(raw.updated, context.now);
  return {
    guid: raw.guid?.trim() || null,
    url: link ? canonicalUrl(link) : null,
    title,
    summary,
    contentHtml: contentHtml || null,
    authors: normalizeAuthors(raw.authors, raw.authorText, contentBase),
    categories: uniqueCategories(raw.categories),
    publishedAt: published ?? updated,
    updatedAt: updated,
    enclosures: enclosures(raw.enclosures, bases),
    imageUrl: resolveUrl(raw.imageUrl, ...bases),
    language: raw.language?.trim() || context.feedLanguage?.trim() || null,
  };
}

/** JSON Feed content_text is plain text: escape it before treating it as HTML. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n{2,}/g, '</p><p>');
}
