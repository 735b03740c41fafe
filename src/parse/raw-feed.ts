/** What a parser extracts from a document, before normalization: strings as found, no policy. */
export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

export interface RawPerson {
  name: string | null;
  email: string | null;
  url: string | null;
}

export interface RawEnclosure {
  url: string;
  type: string | null;
  length: string | number | null;
}

/** A text value as found: `html` says whether it is markup; `base` resolves its relative URLs. */
export interface RawText {
  value: string;
  html: boolean;
  base: string | null;
}

export interface RawEntry {
  guid: string | null;
  /** Absolute when the document gave a base for it. */
  link: string | null;
  title: RawText | null;
  summary: RawText | null;
  content: RawText | null;
  authors: RawPerson[];
  /** Free-text author fields such as RSS <author> or dc:creator ("a@b.c (Name)"), one per element. */
  authorTexts: string[];
  categories: string[];
  published: string | number | null;
  updated: string | number | null;
  enclosures: RawEnclosure[];
  imageUrl: string | null;
  language: string | null;
}

/** What a feed says about how often to poll it (RSS <ttl>, <skipHours>, <skipDays>, RSS 1.0 sy:*). */
export interface FeedHints {
  ttlMinutes: number | null;
  /** sy:updatePeriod: hourly, daily, weekly, monthly, yearly. */
  updatePeriod: string | null;
  updateFrequency: number | null;
  /** UTC hours 0-23 in which the feed asks not to be read. */
  skipHours: number[];
  /** Day names (Monday…Sunday) on which the feed asks not to be read. */
  skipDays: string[];
}

export function noHints(): FeedHints {
  return { ttlMinutes: null, updatePeriod: null, updateFrequency: null, skipHours: [], skipDays: [] };
}

export interface RawFeed {
  format: FeedFormat;
  /** e.g. "2.0", "1.0", "atom10", "https://jsonfeed.org/version/1.1". */
  version: string | null;
  title: RawText | null;
  /** The feed's site (Atom rel="alternate", RSS <link>, JSON Feed home_page_url). */
  link: string | null;
  /** Where the feed says it lives (Atom/RSS rel="self", JSON Feed feed_url): a base for relative links. */
  selfLink: string | null;
  /** The feed's own people (Atom feed authors, RSS managingEditor, dc:creator, itunes:author). */
  authors: RawPerson[];
  authorTexts: string[];
  language: string | null;
  hints: FeedHints;
  entries: RawEntry[];
  /** Entries in the document; more than `entries.length` when a selection kept only some. */
  entryCount: number;
}

export function emptyEntry(): RawEntry {
  return {
    guid: null, link: null, title: null, summary: null, content: null,
    authors: [], authorTexts: [], categories: [], published: null, updated: null,
    enclosures: [], imageUrl: null, language: null,
  };
}
