/**
 * Text → RawFeed. The format is detected from the content itself, never from the URL or the
 * Content-Type (servers mislabel feeds as text/html or application/octet-stream all the time).
 */
import { FeedaggError } from '../errors.js';
import { findFeedLinks } from './find-feed-links.js';
import { isJsonFeed, parseJsonFeed } from './parse-json-feed.js';
import { forEachBatch, scanJson } from './json-scan.js';
import { parseLenientJson } from './lenient-json.js';
import { parseRssJson, rssJsonChannel } from './parse-rss-json.js';
import type { RawFeed } from './raw-feed.js';
import { TreeFeedReader } from './read-tree-feed.js';
import type { EntrySelection } from './select-entries.js';
import { parseXmlTree } from './xml-tree.js';

export interface ParseOptions {
  /** Keep only the best `max` entries (by `rank`), pruning as the document is read. */
  selection?: EntrySelection | null;
  /** Characters of text read per XML element (a 10 MB title is not read whole). */
  maxTextLength?: number;
}

/** `wrapped`: an HTML page with a feed's root element inside. */
export type DocumentKind = 'json' | 'xml' | 'wrapped' | 'html' | 'unknown';

/**
 * The start tag of a feed's root element, with any prefix (`<atom:feed`, `<rdf:RDF`). Linear:
 * a try starts only at a `<`, and the prefix cannot run past the next `<`.
 */
const FEED_ROOT_TAG = /<(?:[\w.-]+:)?(?:rss|feed|rdf|channel)[\s>]/i;

/**
 * A page whose markup wraps a feed (an Atom <feed> inside <html><body>, as some CMS templates
 * serve it) is read as XML: the reader finds the feed's root wherever it sits.
 */
export function detectDocumentKind(text: string): DocumentKind {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 1024);
  if (head.startsWith('{')) return 'json';
  if (/^<!doctype html|^<html[\s>]/i.test(head) || /<html[\s>]/i.test(head)) return FEED_ROOT_TAG.test(text) ? 'wrapped' : 'html';
  if (head.startsWith('<')) return 'xml';
  return 'unknown';
}

/** JSON Feed items parsed at once: few enough to keep memory at fetch.maxItems scale, many enough to make JSON.parse calls rare. */
const ITEM_BATCH = 256;

function parseJson(text: string, options: ParseOptions): RawFeed {
  const { items } = scanJson(text);
  // A JSON Feed's items are parsed one by one, keeping the best fetch.maxItems as they come.
  if (items) {
    const head = parseLenientJson(`${text.slice(0, items.open)}[]${text.slice(items.close + 1)}`);
    if (isJsonFeed(head)) {
      return parseJsonFeed(head, options.selection ?? null, (onItem) => forEachBatch(text, items.open, items.close, ITEM_BATCH, (batch) => {
        const parsed = parseLenientJson(`[${batch}]`);
        if (Array.isArray(parsed)) parsed.forEach(onItem);
      }));
    }
  }
  const document = parseLenientJson(text);
  if (isJsonFeed(document)) return parseJsonFeed(document, options.selection ?? null);
  const channel = rssJsonChannel(document);
  if (channel) return parseRssJson(channel, options.selection ?? null);
  throw new FeedaggError('NOT_A_FEED', 'JSON document that is neither a JSON Feed (no "version" of https://jsonfeed.org/version/1.1, no "items") nor RSS in JSON ({"rss": {"channel": …}})');
}

function parseXml(text: string, documentUrl: string | null, options: ParseOptions, htmlWrapper = false): RawFeed {
  const reader = new TreeFeedReader(options.selection ?? null);
  const { root, unclosedEntry } = parseXmlTree(text, documentUrl, { onEntry: reader.onEntry, maxTextLength: options.maxTextLength, htmlWrapper });
  if (!root) throw new FeedaggError('PARSE', 'malformed XML: no element found');
  // A document cut off inside an entry (a truncated download) would publish half an entry:
  // refuse it, the next poll gets the whole document. Other errors are recovered from.
  if (unclosedEntry) throw new FeedaggError('PARSE', `malformed XML: the document ends inside <${unclosedEntry}> (truncated?)`);
  return reader.finish(root);
}

function notAFeedPage(text: string, documentUrl: string | null): never {
  const links = findFeedLinks(text, documentUrl);
  const hint = links.length > 0 ? `; it advertises: ${links.join(', ')}` : '; it advertises no feed';
  throw new FeedaggError('NOT_A_FEED', `an HTML page, not a feed${hint}`, { feedLinks: links });
}

/** Parse a feed document; `documentUrl` is only used to make advertised feed links absolute. */
export async function parseFeed(text: string, documentUrl: string | null = null, options: ParseOptions = {}): Promise<RawFeed> {
  switch (detectDocumentKind(text)) {
    case 'json':
      return parseJson(text, options);
    case 'xml':
      return parseXml(text, documentUrl, options);
    case 'wrapped': {
      // A page that only mentions <rss> (a feed element with neither title nor entries) is still a page.
      let feed: RawFeed | null = null;
      try {
        feed = parseXml(text, documentUrl, options, true);
      } catch (error) {
        if (!(error instanceof FeedaggError) || error.code !== 'NOT_A_FEED') throw error;
      }
      return feed && (feed.entryCount > 0 || feed.title) ? feed : notAFeedPage(text, documentUrl);
    }
    case 'html':
      return notAFeedPage(text, documentUrl);
    default:
      throw new FeedaggError('NOT_A_FEED', 'neither XML nor JSON');
  }
}
