/** A parsed document → feed facts and normalized entries (the stage `feedagg parse` prints). */
import type { Author } from '../model/article.js';
import type { FeedHints, RawFeed } from '../parse/raw-feed.js';
import { normalizeAuthors } from './authors.js';
import { DEFAULT_LIMITS, emptyReport, limitWarnings, newestEntries, type DocumentLimits } from './document-limits.js';
import { normalizeEntry, plainText, type EntryFields, type NormalizeContext } from './normalize-entry.js';
import type { RawEntry } from '../parse/raw-feed.js';
import { repairEntryText, repairPerson, repairText } from './repair-entry.js';
import { repairDoubleEncoding } from '../parse/repair-text.js';
import { resolveUrl } from './urls.js';

export interface FeedInfo {
  title: string | null;
  link: string | null;
  language: string | null;
  /** The feed's own people (an extension of the parse output; see docs/extensions.md). */
  authors: Author[];
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

/**
 * Relative links resolve against, in order (RFC 3986 5.1): xml:base (applied while parsing),
 * the document's URL, the feed's self link, the feed's alternate link, as feedparser does. So
 * `feedagg parse` of a saved file whose self link is its URL gives the links a poll gives.
 */
export function normalizeFeedFacts(raw: RawFeed, documentUrl: string | null, now: Date, limits: DocumentLimits = DEFAULT_LIMITS): OpenFeed {
  const selfLink = resolveUrl(raw.selfLink, documentUrl);
  const link = resolveUrl(raw.link, documentUrl, selfLink);
  const language = raw.language?.trim() || null;
  const authors = normalizeAuthors(raw.authors.map(repairPerson), raw.authorTexts.map(repairDoubleEncoding), link ?? selfLink ?? documentUrl);
  const report = emptyReport();
  // The feed's authors are the authors of its entries that name none: RFC 4287 4.2.1 (Atom),
  // JSON Feed 1.1 (items, "authors"). RSS says nothing of the kind for managingEditor.
  const inherited = raw.format === 'atom' || raw.format === 'json';
  const context = { documentUrl, selfLink, feedLink: link, feedLanguage: language, feedAuthors: inherited ? authors : [], now, limits, report };
  // Choose before normalizing: a document with 100k entries costs the work of maxItems (the
  // parser may have pruned already; raw.entryCount is what the document held).
  const entries = newestEntries(raw.entries, limits.maxItems, now).map(repairEntryText);
  report.droppedEntries = raw.entryCount - entries.length;
  return { format: raw.format, feed: { title: plainText(repairText(raw.title)), link, language, authors }, hints: raw.hints, entries, total: raw.entryCount, context };
}

/** Warnings for the limits that bit while the document was opened and its entries normalized. */
export function feedWarnings(open: OpenFeed): string[] {
  return limitWarnings(open.context.report, open.context.limits, open.total);
}

/** Every entry normalized (`feedagg parse`, tests). */
export function normalizeFeed(raw: RawFeed, documentUrl: string | null, now: Date, limits: DocumentLimits = DEFAULT_LIMITS): NormalizedFeed {
  const open = normalizeFeedFacts(raw, documentUrl, now, limits);
  const entries = open.entries.map((entry) => normalizeEntry(entry, open.context).fields);
  return { format: open.format, feed: open.feed, hints: open.hints, entries, warnings: feedWarnings(open) };
}
