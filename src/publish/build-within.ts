/**
 * Published documents within `output.maxBytes`: when one of the three formats is larger, the
 * oldest items are left out (the window is newest first) and the documents built again, until
 * all three fit. Pure; the caller warns with the count left out.
 */
import { buildFeeds, type BuiltFeeds, type FeedOptions, type PublishedItem } from './build-feeds.js';

export interface BoundedFeeds {
  feeds: BuiltFeeds;
  /** Items of the window left out to stay within maxBytes. */
  leftOut: number;
}

function largest(feeds: BuiltFeeds): number {
  return Math.max(Buffer.byteLength(feeds.rss), Buffer.byteLength(feeds.atom), Buffer.byteLength(feeds.json));
}

export function buildWithin(items: PublishedItem[], options: FeedOptions, maxBytes: number, between?: () => void): BoundedFeeds {
  let kept = items.length;
  let feeds = buildFeeds(items, options, between);
  // Item sizes vary: scale by the overshoot with a margin; a few rounds at most.
  for (let size = largest(feeds); size > maxBytes && kept > 0; size = largest(feeds)) {
    kept = Math.min(kept - 1, Math.floor(kept * (maxBytes / size) * 0.95));
    kept = Math.max(0, kept);
    feeds = buildFeeds(items.slice(0, kept), options, between);
  }
  return { feeds, leftOut: items.length - kept };
}
