/**
 * RawEntry → the Article fields a feed supplies (everything but identity and provenance).
 * Pure: the clock and the base URLs come in as arguments.
 */
import type { Article, Author, Enclosure } from '../model/article.js';
import type { RawEnclosure, RawEntry, RawText } from '../parse/raw-feed.js';
import { normalizeAuthors } from './authors.js';
import { charactersWithin, cutHtml, cutText, MAX_AUTHORS, MAX_ENCLOSURES, type DocumentLimits, type LimitReport } from './document-limits.js';
import { collapseWhitespace, firstWords, htmlToText } from './html-to-text.js';
import { parseDate } from './parse-date.js';
import { sanitizeWithText, type SafeHtml } from './sanitize-content.js';
import { MAX_URL_LENGTH, removeTrackingParams, resolveUrl } from './urls.js';
import { escapeUTF8 as escapeMarkup } from 'entities';

export type EntryFields = Omit<Article, 'id' | 'sourceId' | 'sources'>;

export interface NormalizeContext {
  /** URL the document was fetched from (after redirects); relative links resolve against it. */
  documentUrl: string | null;
  /** The feed's self link (rel="self", JSON Feed feed_url): the base after the document URL. */
  selfLink: string | null;
  /** The feed's own site link, the last base for relative links. */
  feedLink: string | null;
  /** Authors of the entries that name none (an Atom feed's authors, RFC 4287 4.2.1); else empty. */
  feedAuthors: Author[];
  feedLanguage: string | null;
  now: Date;
  limits: DocumentLimits;
  /** Counts every limit that bites, for the document's warnings. */
  report: LimitReport;
}

const TITLE_FALLBACK_WORDS = 12;

function enclosures(raw: RawEnclosure[], bases: Array<string | null>, report: LimitReport): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const enclosure of raw) {
    const url = resolveUrl(enclosure.url, ...bases);
    if (!url || seen.has(url)) continue;
    if (out.length === MAX_ENCLOSURES) {
      report.enclosures += 1;
      break;
    }
    seen.add(url);
    const length = Number(enclosure.length);
    out.push({ url, type: enclosure.type?.trim() || null, length: Number.isFinite(length) && length > 0 ? length : null });
  }
  return out;
}

/** Categories in order, deduplicated case-insensitively, at most `max` (the first ones). */
function uniqueCategories(values: string[], max: number, report: LimitReport): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of values) {
    const value = htmlToText(raw);
    const key = value.toLowerCase();
    if (!value || seen.has(key)) continue;
    if (out.length === max) {
      report.categories += 1;
      break;
    }
    seen.add(key);
    out.push(value);
  }
  return out;
}

/** Plain text of a raw value: markup removed and entities decoded when it is HTML. */
export function plainText(text: RawText | null): string | null {
  if (!text) return null;
  const plain = text.html ? htmlToText(text.value) : collapseWhitespace(text.value);
  return plain || null;
}

/**
 * Sanitized HTML of a raw value and its plain text, in one pass; plain text is escaped first,
 * its blank lines become paragraphs.
 */
function safeHtml(text: RawText | null, fallbackBase: string | null, maxBytes: number, report: LimitReport): SafeHtml | null {
  if (!text) return null;
  let html = text.html ? text.value : `<p>${textToHtml(text.value)}</p>`;
  // Cut before sanitizing, so a huge body costs no more than the budget; sanitizing can
  // lengthen it again (absolute URLs, rel attributes), so check its output and cut again.
  let cut = false;
  for (let round = 0; round < 4; round += 1) {
    const shorter = cutHtml(html, round === 0 ? maxBytes : Math.floor(maxBytes * (1 - 0.1 * round)));
    cut ||= shorter !== html;
    const safe = sanitizeWithText(shorter, text.base ?? fallbackBase);
    if (safe.html.length <= maxBytes / 3 || Buffer.byteLength(safe.html) <= maxBytes) {
      if (cut) report.contents += 1;
      return safe.html ? safe : null;
    }
    html = safe.html;
  }
  report.contents += 1;
  return null;
}

function limitedText(text: string | null, maxChars: number, count: () => void): string | null {
  if (text === null || text.length <= maxChars) return text;
  count();
  return cutText(text, maxChars);
}

/** A plain-text value cut to a UTF-8 byte budget. */
function limitedBytes(text: string | null, maxBytes: number, count: () => void): string | null {
  if (text === null || text.length * 3 <= maxBytes) return text;
  if (Buffer.byteLength(text) <= maxBytes) return text;
  count();
  return cutText(text, charactersWithin(text, maxBytes - 2)); // the ellipsis takes 3 bytes for 1 character
}

/** An entry's fields, and the plain text of its body (the input of its fingerprints). */
export interface NormalizedEntry {
  fields: EntryFields;
  text: string;
}

export function normalizeEntry(raw: RawEntry, context: NormalizeContext): NormalizedEntry {
  const { limits, report } = context;
  const bases = [context.documentUrl, context.selfLink, context.feedLink];
  report.urls += [raw.link, raw.imageUrl, ...raw.enclosures.map((enclosure) => enclosure.url)].filter((url) => url && url.length > MAX_URL_LENGTH).length;
  const link = resolveUrl(raw.link, ...bases);
  const contentBase = link ?? context.documentUrl ?? context.selfLink ?? context.feedLink;
  const source = raw.content ?? raw.summary;
  const content = safeHtml(source, contentBase, limits.maxContentSize, report);
  // Without a content element, the HTML summary is the content: its text comes from the same pass.
  const summaryText = source === raw.summary && raw.summary?.html && content ? content.text || null : plainText(raw.summary) ?? (raw.content && !raw.content.html ? plainText(raw.content) : null);
  const summary = limitedBytes(summaryText, limits.maxContentSize, () => (report.summaries += 1));
  const text = content?.text || summary || '';
  const title = limitedText(plainText(raw.title) ?? (text ? firstWords(text, TITLE_FALLBACK_WORDS) : ''), limits.maxTitleLength, () => (report.titles += 1)) ?? '';
  const published = parseDate(raw.published, context.now);
  const updated = parseDate(raw.updated, context.now);
  const own = normalizeAuthors(raw.authors.slice(0, MAX_AUTHORS * 2), raw.authorTexts.slice(0, MAX_AUTHORS * 2), contentBase);
  const authors = own.length > 0 ? own : context.feedAuthors;
  if (authors.length > MAX_AUTHORS) report.authors += 1;
  const fields: EntryFields = {
    guid: raw.guid?.trim() || null,
    url: link ? removeTrackingParams(link) : null,
    title,
    summary,
    contentHtml: content?.html ?? null,
    authors: authors.slice(0, MAX_AUTHORS),
    categories: uniqueCategories(raw.categories, limits.maxCategories, report),
    publishedAt: published ?? updated,
    updatedAt: updated,
    enclosures: enclosures(raw.enclosures, bases, report),
    imageUrl: resolveUrl(raw.imageUrl, ...bases),
    language: raw.language?.trim() || context.feedLanguage?.trim() || null,
  };
  return { fields, text };
}

/** The URL an entry is known by: its link, resolved, without tracking parameters (as normalizeEntry makes it). */
export function entryUrl(raw: RawEntry, context: Pick<NormalizeContext, 'documentUrl' | 'selfLink' | 'feedLink'>): string | null {
  const link = resolveUrl(raw.link, context.documentUrl, context.selfLink, context.feedLink);
  return link ? removeTrackingParams(link) : null;
}

/** Plain text into HTML: escaped, blank lines as paragraph breaks. */
function textToHtml(text: string): string {
  return escapeMarkup(text).replace(/\n\s*\n/g, '</p><p>');
}
