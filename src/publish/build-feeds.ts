/**
 * Published items → RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents. Pure: the same items and
 * options always give byte-identical documents (a feed's own date is its newest item's).
 */
import { buildAtom } from './atom-document.js';
import { buildJsonFeed } from './json-feed.js';
import { stripInvalidXmlCharacters, type FeedOptions, type PublishedItem } from './published-item.js';
import { buildRss } from './rss-document.js';

export type { FeedOptions, PublishedItem, SourceInfo } from './published-item.js';
export { articleTime, itemId } from './published-item.js';

export interface BuiltFeeds {
  rss: string;
  atom: string;
  json: string;
}

/** `between`: called after each document (a document thread collects the last one's garbage there). */
export function buildFeeds(items: PublishedItem[], options: FeedOptions, between: () => void = () => undefined): BuiltFeeds {
  const rss = stripInvalidXmlCharacters(buildRss(items, options));
  between();
  const atom = stripInvalidXmlCharacters(buildAtom(items, options));
  between();
  const json = buildJsonFeed(items, options);
  between();
  return { rss, atom, json };
}
