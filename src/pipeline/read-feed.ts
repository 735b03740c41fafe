/** Fetched bytes → identified articles: decode, parse, normalize, identify. Pure. */
import type { IdentifiedEntry } from '../dedupe/identity.js';
import { identifyEntries } from '../dedupe/identity.js';
import { decodeBody } from '../fetch/decode-body.js';
import { DEFAULT_LIMITS, newestSelection, type DocumentLimits } from '../normalize/document-limits.js';
import { normalizeFeed, type FeedInfo } from '../normalize/normalize-feed.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { FeedHints } from '../parse/raw-feed.js';

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

export interface ReadFeedResult {
  format: string;
  encoding: string;
  feed: FeedInfo;
  hints: FeedHints;
  entries: IdentifiedEntry[];
  warnings: string[];
}

export async function readFeed(input: ReadFeedInput): Promise<ReadFeedResult> {
  const limits = input.limits ?? DEFAULT_LIMITS;
  const { text, encoding } = decodeBody(input.body, input.contentType);
  const raw = await parseFeed(text, input.documentUrl, {
    selection: newestSelection(limits.maxItems, input.now),
    // Raw text past this cannot survive the limits (titles, content, summaries) anyway.
    maxTextLength: Math.max(limits.maxTitleLength * 16, limits.maxContentSize * 2),
  });
  const normalized = normalizeFeed(raw, input.documentUrl, input.now, limits);
  return {
    format: normalized.format,
    encoding,
    feed: normalized.feed,
    hints: normalized.hints,
    entries: identifyEntries(input.sourceId, normalized.entries, input.now),
    warnings: normalized.warnings,
  };
}
