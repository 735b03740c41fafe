/**
 * Fetched bytes → entries: decode, parse, open, identify (every entry, cheaply); then prepare
 * (normalize, fingerprint) the entries that need it. Pure.
 */
import { identify } from '../dedupe/identity.js';
import { decodeBody } from '../parse/decode-body.js';
import { DEFAULT_LIMITS, newestSelection, type DocumentLimits } from '../normalize/document-limits.js';
import { feedWarnings, normalizeFeedFacts, type FeedInfo, type OpenFeed } from '../normalize/normalize-feed.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { FeedHints } from '../parse/raw-feed.js';
import { prepareEntry, rawFingerprint, rawIdentityFields, type FeedEntry, type PreparedEntry } from './prepare-entry.js';

export interface ReadFeedInput {
  sourceId: string;
  body: Buffer;
  contentType: string | null;
  /** The URL the body came from; the base for relative links. */
  documentUrl: string | null;
  now: Date;
  /** Bounds on entries, titles, categories and content (config `fetch.*`). */
  limits?: DocumentLimits;
}

export interface OpenedDocument {
  format: string;
  encoding: string;
  feed: FeedInfo;
  hints: FeedHints;
  entries: FeedEntry[];
  open: OpenFeed;
}

export async function readFeedEntries(input: ReadFeedInput): Promise<OpenedDocument> {
  const limits = input.limits ?? DEFAULT_LIMITS;
  const { text, encoding } = decodeBody(input.body, input.contentType);
  const raw = await parseFeed(text, input.documentUrl, {
    selection: newestSelection(limits.maxItems, input.now),
    // Raw text past this cannot survive the limits (titles, content, summaries) anyway.
    maxTextLength: Math.max(limits.maxTitleLength * 16, limits.maxContentSize * 2),
  });
  const open = normalizeFeedFacts(raw, input.documentUrl, input.now, limits);
  const identities = identify(input.sourceId, open.entries.map((entry) => rawIdentityFields(entry, open.context)));
  const entries = open.entries.map((entry, index): FeedEntry => ({
    identity: identities[index] ?? identify(input.sourceId, [rawIdentityFields(entry, open.context)])[0]!,
    raw: entry,
    rawFp: rawFingerprint(entry, input.documentUrl),
  }));
  return { format: open.format, encoding, feed: open.feed, hints: open.hints, entries, open };
}

export function prepareEntries(document: OpenedDocument, sourceId: string, entries: FeedEntry[] = document.entries): PreparedEntry[] {
  return entries.map((entry) => prepareEntry(entry, sourceId, document.open.context));
}

export interface ReadFeedResult {
  format: string;
  encoding: string;
  feed: FeedInfo;
  hints: FeedHints;
  entries: PreparedEntry[];
  /** Entries of the document left out by fetch.maxItems (the newest are kept). */
  truncated: number;
  warnings: string[];
}

/** Every entry prepared (`feedagg parse`, tests, benchmarks). */
export async function readFeed(input: ReadFeedInput): Promise<ReadFeedResult> {
  const document = await readFeedEntries(input);
  const entries = prepareEntries(document, input.sourceId);
  return { format: document.format, encoding: document.encoding, feed: document.feed, hints: document.hints, entries, truncated: document.open.context.report.droppedEntries, warnings: feedWarnings(document.open) };
}
