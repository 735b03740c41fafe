/**
 * One document's CPU work, as a document thread runs it (DESIGN.md "Data flow"): decode,
 * parse, open, identify every entry, compare with the source's listing, and prepare
 * (normalize, sanitize, fingerprint) only the entries that are new or changed. Takes and
 * returns plain data (structured-clone safe); thread-tasks.ts turns what it throws into a typed outcome.
 */
import { compileMatcher, matchesText } from '../publish/output-filter.js';
import type { Article } from '../model/article.js';
import { entryKeyHash } from '../dedupe/identity.js';
import { entryRank, type DocumentLimits } from '../normalize/document-limits.js';
import { feedWarnings, type FeedInfo } from '../normalize/normalize-feed.js';
import type { FeedHints } from '../parse/raw-feed.js';
import type { PreparedEntry } from './prepare-entry.js';
import { readFeedEntries, prepareEntries } from './read-feed.js';
import { collectGarbage } from '../runtime/collect-garbage.js';

/** Documents from this size on are followed by a collection before their entries are prepared. */
const LARGE_DOCUMENT_BYTES = 1024 * 1024;

export interface DocumentTask {
  sourceId: string;
  body: Uint8Array;
  contentType: string | null;
  documentUrl: string | null;
  /** Epoch ms: the poll's clock. */
  now: number;
  limits: DocumentLimits;
  /** The source's listing as stored (entry key hash → raw fingerprint). */
  previous: Array<[string, string]>;
  /** The source's include/exclude matchers (config/matcher.ts): entries they drop are never prepared. */
  filter?: { include: string[]; exclude: string[] };
}

export interface ListedEntry {
  ekh: string;
  rawFp: string;
}

export interface DocumentReading {
  format: string;
  encoding: string;
  feed: FeedInfo;
  hints: FeedHints;
  /** Every entry of the document once (repeats left out), in document order. */
  listing: ListedEntry[];
  /** The entries that are new or changed against `previous`, prepared for the store. */
  prepared: PreparedEntry[];
  /** The listing differs from `previous` (an entry new, changed or gone). */
  changed: boolean;
  /** Publish dates of the entries (ISO), for the source's cadence. */
  dates: Array<string | null>;
  warnings: string[];
}

/** What the listing needs of an entry: its key, whether it repeats an earlier one, its raw fingerprint. */
export interface Listable {
  entryKey: string;
  repeat: boolean;
  rawFp: string;
}

export interface ListingDiff<T> {
  listing: ListedEntry[];
  /** The entries new or changed against the stored listing. */
  changedEntries: T[];
  /** The listing differs from the stored one (an entry new, changed or gone). */
  changed: boolean;
}

/**
 * A document's listing against the source's stored one. An entry listed twice in one document
 * is listed and stored once (its listings would take turns).
 */
export function diffListing<T>(entries: T[], listable: (entry: T) => Listable, previous: Map<string, string>): ListingDiff<T> {
  const unique = entries.filter((entry) => !listable(entry).repeat);
  const listing = unique.map((entry) => ({ ekh: entryKeyHash(listable(entry).entryKey), rawFp: listable(entry).rawFp }));
  const changedEntries = unique.filter((entry, index) => previous.get(listing[index]?.ekh ?? '') !== listable(entry).rawFp);
  return { listing, changedEntries, changed: changedEntries.length > 0 || previous.size !== listing.length };
}

function keptByFilter(filter: { include: string[]; exclude: string[] }): ((article: Article) => boolean) | null {
  if (filter.include.length === 0 && filter.exclude.length === 0) return null;
  const include = filter.include.map(compileMatcher);
  const exclude = filter.exclude.map(compileMatcher);
  return (article) => matchesText(article, include, exclude);
}

export async function readDocument(task: DocumentTask): Promise<DocumentReading> {
  const now = new Date(task.now);
  const body = Buffer.from(task.body.buffer, task.body.byteOffset, task.body.byteLength);
  const document = await readFeedEntries({ sourceId: task.sourceId, body, contentType: task.contentType, documentUrl: task.documentUrl, now, limits: task.limits });
  // The text and the tree of a large document are garbage now: collect them before the
  // entries are prepared, so the thread never holds both (its heap is capped).
  if (body.length >= LARGE_DOCUMENT_BYTES) collectGarbage();
  const { listing, changedEntries, changed } = diffListing(document.entries, (entry) => ({ ...entry.identity, rawFp: entry.rawFp }), new Map(task.previous));
  // A dropped entry stays in the listing: it is not read again until it changes.
  const kept = task.filter ? keptByFilter(task.filter) : null;
  const prepared = changed ? prepareEntries(document, task.sourceId, changedEntries).filter((entry) => kept === null || kept(entry.article)) : [];
  const dates = document.entries.map((entry) => {
    const rank = entryRank(entry.raw, now);
    return Number.isFinite(rank) ? new Date(rank).toISOString() : null;
  });
  return { format: document.format, encoding: document.encoding, feed: document.feed, hints: document.hints, listing, prepared, changed, dates, warnings: feedWarnings(document.open) };
}
