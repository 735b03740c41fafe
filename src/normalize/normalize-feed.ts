/** A parsed document → feed facts and normalized entries (the stage `feedagg parse` prints). */
import type { FeedHints, RawFeed } from '../parse/raw-feed.js';
import { DEFAULT_LIMITS, emptyReport, limitWarnings, newestEntries, type DocumentLimits } from './document-limits.js';
import { normalizeEntry, plainText, type EntryFields, type NormalizeContext } from './normalize-entry.js';
import type { RawEntry } from '../parse/raw-feed.js';
import { resolveUrl } from './urls.js';

export interface FeedInfo {
  title: string | null;
  link: string | null;
  language: string | null;
}

export interface NormalizedFeed {
  format: string;
  feed: FeedInfo;
  hints: FeedHints;
  entries: EntryFields[];
  /** Limits that bit (entries dropped, titles cut…), for the operator. */
  warnings: string[];
}

/** A parsed document ready to normalize entry by entry: feed facts, the entries kept, the context. */
export interface OpenFeed {
  format: string;
  feed: FeedInfo;
  hints: FeedHints;
  /** The newest fetch.maxItems entries, in document order. */
  entries: RawEntry[];
  /** Entries in the document (before fetch.maxItems). */
  total: number;
  context: NormalizeContext;
}

export function openFeed(raw: RawFeed, documentUrl: string | null, now: Date, limits: DocumentLimits = DEFAULT_LIMITS): OpenFeed {
  const link = resolveUrl(raw.link, documentUrl);
  const language = raw.language?.trim() || null;
  const report = emptyReport();
  const context = { documentUrl, feedLink: link, feedLanguage: language, now, limits, report };
  // Choose before normalizing: a document with 100k entries costs the work of maxItems (the
  // parser may have pruned already; raw.entryCount is what the document held).
  const entries = newestEntries(raw.entries, limits.maxItems, now);
  report.droppedEntries = raw.entryCount - entries.length;
  return { format: raw.format, feed: { title: plainText(raw.title), link, language }, hints: raw.hints, entries, total: raw.entryCount, context };
}

/** Warnings for the limits that bit while the document was opened and its entries normalized. */
export function feedWarnings(open: OpenFeed): string[] {
  return limitWarnings(open.context.report, open.context.limits, open.total);
}

/** Every entry normalized (`feedagg parse`, tests). */
export function normalizeFeed(raw: RawFeed, documentUrl: string | null, now: Date, limits: DocumentLimits = DEFAULT_LIMITS): NormalizedFeed {
  const open = openFeed(raw, documentUrl, now, limits);
  const entries = open.entries.map((entry) => normalizeEntry(entry, open.context).fields);
  return { format: open.format, feed: open.feed, hints: open.hints, entries, warnings: feedWarnings(open) };
}
