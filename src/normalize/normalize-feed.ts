/** A parsed document → feed facts and normalized entries (the stage `feedagg parse` prints). */
import type { FeedHints, RawFeed } from '../parse/raw-feed.js';
import { DEFAULT_LIMITS, emptyReport, limitWarnings, newestEntries, type DocumentLimits } from './document-limits.js';
import { normalizeEntry, plainText, type EntryFields } from './normalize-entry.js';
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

export function normalizeFeed(raw: RawFeed, documentUrl: string | null, now: Date, limits: DocumentLimits = DEFAULT_LIMITS): NormalizedFeed {
  const link = resolveUrl(raw.link, documentUrl);
  const language = raw.language?.trim() || null;
  const report = emptyReport();
  const context = { documentUrl, feedLink: link, feedLanguage: language, now, limits, report };
  // Choose before normalizing: a document with 100k entries costs the work of maxItems (the
  // parser may have pruned already; raw.entryCount is what the document held).
  const kept = newestEntries(raw.entries, limits.maxItems, now);
  report.droppedEntries = raw.entryCount - kept.length;
  const entries = kept.map((entry) => normalizeEntry(entry, context));
  return {
    format: raw.format,
    feed: { title: plainText(raw.title), link, language },
    hints: raw.hints,
    entries,
    warnings: limitWarnings(report, limits, raw.entryCount),
  };
}
