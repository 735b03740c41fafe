/** A parsed document → feed facts and normalized entries (the stage `feedagg parse` prints). */
import type { FeedHints, RawFeed } from '../parse/raw-feed.js';
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
}

export function normalizeFeed(raw: RawFeed, documentUrl: string | null, now: Date): NormalizedFeed {
  const link = resolveUrl(raw.link, documentUrl);
  const language = raw.language?.trim() || null;
  const context = { documentUrl, feedLink: link, feedLanguage: language, now };
  return {
    format: raw.format,
    feed: { title: plainText(raw.title), link, language },
    hints: raw.hints,
    entries: raw.entries.map((entry) => normalizeEntry(entry, context)),
  };
}
