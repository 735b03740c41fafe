/**
 * RawEntry → the Article fields a feed supplies (everything but identity and provenance).
 * Pure: the clock and the base URLs come in as arguments.
 */
import type { Article, Enclosure } from '../model/article.js';
import type { RawEnclosure, RawEntry, RawText } from '../parse/raw-feed.js';
import { normalizeAuthors } from './authors.js';
import { collapseWhitespace, firstWords, htmlToText } from './html-to-text.js';
import { parseDate } from './parse-date.js';
import { sanitizeContent } from './sanitize-content.js';
import { removeTrackingParams, resolveUrl } from './urls.js';

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

/** Plain text of a raw value: markup removed and entities decoded when it is HTML. */
export function plainText(text: RawText | null): string | null {
  if (!text) return null;
  const plain = text.html ? htmlToText(text.value) : collapseWhitespace(text.value);
  return plain || null;
}

/** Sanitized HTML of a raw value; plain text is escaped first, its blank lines become paragraphs. */
function safeHtml(text: RawText | null, fallbackBase: string | null): string | null {
  if (!text) return null;
  const html = text.html ? text.value : `<p>${escapeText(text.value)}</p>`;
  return sanitizeContent(html, text.base ?? fallbackBase) || null;
}

export function normalizeEntry(raw: RawEntry, context: NormalizeContext): EntryFields {
  const bases = [context.documentUrl, context.feedLink];
  const link = resolveUrl(raw.link, ...bases);
  const contentBase = link ?? context.documentUrl ?? context.feedLink;
  const summary = plainText(raw.summary) ?? (raw.content && !raw.content.html ? plainText(raw.content) : null);
  const contentHtml = safeHtml(raw.content ?? raw.summary, contentBase);
  const bodyText = summary ?? (contentHtml ? htmlToText(contentHtml) : null);
  const title = plainText(raw.title) ?? (bodyText ? firstWords(bodyText, TITLE_FALLBACK_WORDS) : '');
  const published = parseDate(raw.published, context.now);
  const updated = parseDate(raw.updated, context.now);
  return {
    guid: raw.guid?.trim() || null,
    url: link ? removeTrackingParams(link) : null,
    title,
    summary,
    contentHtml,
    authors: normalizeAuthors(raw.authors, raw.authorTexts, contentBase),
    categories: uniqueCategories(raw.categories),
    publishedAt: published ?? updated,
    updatedAt: updated,
    enclosures: enclosures(raw.enclosures, bases),
    imageUrl: resolveUrl(raw.imageUrl, ...bases),
    language: raw.language?.trim() || context.feedLanguage?.trim() || null,
  };
}

/** Plain text into HTML: escaped, blank lines as paragraph breaks. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n\s*\n/g, '</p><p>');
}
