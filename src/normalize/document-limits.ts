/**
 * Bounds on what one document may put into the store and into events: entries per document,
 * title length, categories per entry, content size (config `fetch.*`), plus fixed bounds on
 * authors and enclosures. A limit that bites is a warning for the operator, never a failure:
 * the feed is still read, only the excess is dropped. Pure.
 */
import type { RawEntry } from '../parse/raw-feed.js';
import { keepBest, type EntrySelection } from '../parse/select-entries.js';
import { parseDate } from './parse-date.js';
import { MAX_URL_LENGTH } from './urls.js';

export interface DocumentLimits {
  /** Entries read per document; the newest are kept. */
  maxItems: number;
  /** Characters of a title. */
  maxTitleLength: number;
  maxCategories: number;
  /** UTF-8 bytes of an entry's sanitized HTML (and of its plain-text summary). */
  maxContentSize: number;
}

/** The defaults of `fetch.*` in the config (config/schema.ts). */
export const DEFAULT_LIMITS: DocumentLimits = { maxItems: 1000, maxTitleLength: 1000, maxCategories: 100, maxContentSize: 512 * 1024 };

/** Not configurable: no real entry has more, and each is copied into every event. */
export const MAX_AUTHORS = 50;
export const MAX_ENCLOSURES = 50;

/** How often each limit bit in one document. */
export interface LimitReport {
  droppedEntries: number;
  titles: number;
  categories: number;
  contents: number;
  summaries: number;
  authors: number;
  enclosures: number;
  /** URLs longer than MAX_URL_LENGTH, dropped. */
  urls: number;
}

export function emptyReport(): LimitReport {
  return { droppedEntries: 0, titles: 0, categories: 0, contents: 0, summaries: 0, authors: 0, enclosures: 0, urls: 0 };
}

/** How new an entry is, for keeping the newest: its date, or -Infinity (undated ones rank last). */
export function entryRank(entry: RawEntry, now: Date): number {
  const date = parseDate(entry.published, now) ?? parseDate(entry.updated, now);
  return date === null ? Number.NEGATIVE_INFINITY : Date.parse(date);
}

/**
 * The newest `max` entries, in document order. Dated entries rank by date (newest first),
 * undated ones after them in document order (feeds list newest first).
 */
export function newestSelection(max: number, now: Date): EntrySelection {
  return { max, rank: (entry) => entryRank(entry, now) };
}

export function newestEntries(entries: RawEntry[], max: number, now: Date): RawEntry[] {
  return keepBest(entries, newestSelection(max, now));
}

/** Cut text at `max` characters (an ellipsis marks the cut), never inside a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/**
 * Cut HTML to at most `maxBytes` UTF-8 bytes at a boundary between nodes: before the last
 * tag that starts within the budget, so no tag or attribute is split. The sanitizer that runs
 * next closes the elements left open. Text with no tag in reach is cut at a space.
 */
export function cutHtml(html: string, maxBytes: number): string {
  if (html.length * 3 <= maxBytes || Buffer.byteLength(html) <= maxBytes) return html;
  const budget = charactersWithin(html, maxBytes);
  const tag = html.lastIndexOf('<', budget);
  if (tag > 0) return html.slice(0, tag);
  const space = html.lastIndexOf(' ', budget);
  return withoutTrailingReference(html.slice(0, space > 0 ? space : budget));
}

/**
 * The text without a character reference cut in half at its end (`… &am`). Found by looking
 * back from the end once: the regex `/&[^;\s]*$/` tried every `&` and scanned to the end from
 * each (`&` × 512K took 146 s).
 */
export function withoutTrailingReference(text: string): string {
  const amp = text.lastIndexOf('&');
  if (amp === -1) return text;
  for (let index = amp + 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x3b || code === 0x20 || (code >= 0x09 && code <= 0x0d)) return text;
  }
  return text.slice(0, amp);
}

/** How many leading UTF-16 code units of `text` fit in `maxBytes` of UTF-8. */
export function charactersWithin(text: string, maxBytes: number): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : code >= 0xdc00 && code <= 0xdfff ? 0 : 3;
    if (bytes + size > maxBytes) return index;
    bytes += size;
  }
  return text.length;
}

export function limitWarnings(report: LimitReport, limits: DocumentLimits, total: number): string[] {
  const out: string[] = [];
  if (report.droppedEntries > 0) out.push(`${report.droppedEntries} of ${total} entries dropped (fetch.maxItems ${limits.maxItems}; the newest are kept)`);
  if (report.titles > 0) out.push(`${report.titles} titles cut at ${limits.maxTitleLength} characters (fetch.maxTitleLength)`);
  if (report.categories > 0) out.push(`${report.categories} entries kept their first ${limits.maxCategories} categories (fetch.maxCategories)`);
  if (report.contents > 0) out.push(`${report.contents} contents cut at ${limits.maxContentSize} bytes (fetch.maxContentSize)`);
  if (report.summaries > 0) out.push(`${report.summaries} summaries cut at ${limits.maxContentSize} bytes (fetch.maxContentSize)`);
  if (report.authors > 0) out.push(`${report.authors} entries kept their first ${MAX_AUTHORS} authors`);
  if (report.enclosures > 0) out.push(`${report.enclosures} entries kept their first ${MAX_ENCLOSURES} enclosures`);
  if (report.urls > 0) out.push(`${report.urls} URLs longer than ${MAX_URL_LENGTH / 1024} KB dropped`);
  return out;
}
