/**
 * What a URL an operator pastes into the console offers (issue 20): a feed, read by the same
 * reader as a poll and `feedagg parse` (in a document thread, under fetch.maxParseTime and
 * the size limits), or a site whose advertised feeds (`<link rel="alternate">`, then a few
 * common paths on its origin) are fetched and read as previews. Fetching goes through the
 * same address guard as polling unless private networks are allowed for this source.
 */
import { asFeedaggError, type FeedaggError } from '../errors.js';
import { fetchFeed } from '../fetch/fetch-feed.js';
import type { AppContext } from '../runtime/context.js';
import { redactText, redactUrl } from '../redact.js';
import { ConsoleError } from './console-error.js';

/** Paths feeds often live at, tried on the site's origin when its page advertises none. */
export const COMMON_FEED_PATHS = ['/feed', '/rss', '/feed.xml', '/rss.xml', '/atom.xml', '/index.xml', '/feed.json'];
const MAX_CANDIDATES = 6;
const PREVIEW_ENTRIES = 10;
/** A URL an operator types for a new source (feeds normalize links up to normalize/urls.ts MAX_URL_LENGTH). */
export const MAX_SOURCE_URL_LENGTH = 2048;

export interface FeedPreview {
  url: string;
  format: string;
  title: string | null;
  link: string | null;
  entries: Array<{ title: string; url: string | null; publishedAt: string | null }>;
  /** Entries the document holds (the preview shows the first PREVIEW_ENTRIES). */
  entryCount: number;
}

export type Discovery =
  | { kind: 'feed'; feed: FeedPreview }
  | { kind: 'site'; url: string; feeds: FeedPreview[]; failed: Array<{ url: string; code: string; message: string }> };

type Context = Pick<AppContext, 'config' | 'http' | 'documents' | 'userAgent' | 'interrupt' | 'now'>;

export function checkFeedUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConsoleError('INVALID', 'url: a feed or site URL is required', { field: 'url' });
  const text = value.trim();
  if (text.length > MAX_SOURCE_URL_LENGTH) throw new ConsoleError('INVALID', `url: longer than ${MAX_SOURCE_URL_LENGTH} characters`, { field: 'url' });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConsoleError('INVALID', 'url: not an absolute URL (https://…)', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConsoleError('INVALID', 'url: must be http or https', { field: 'url' });
  return url.toString();
}

async function fetchAndRead(context: Context, url: string, allowPrivate: boolean): Promise<FeedPreview> {
  const { fetch } = context.config;
  const open = allowPrivate || fetch.allowPrivateNetworks;
  const fetched = await fetchFeed(url, {
    timeoutMs: fetch.timeout,
    maxBodySize: fetch.maxBodySize,
    userAgent: context.userAgent,
    dispatcher: open ? context.http.open : context.http.guarded,
    guard: open ? null : context.http.guard,
    interrupt: context.interrupt.signal,
  });
  const reading = await context.documents.read({ sourceId: 'console', body: fetched.body, contentType: fetched.contentType, documentUrl: fetched.url, now: context.now().getTime(), limits: fetch, previous: [] });
  return {
    url: fetched.url,
    format: reading.format,
    title: reading.feed.title,
    link: reading.feed.link,
    entryCount: reading.listing.length,
    entries: reading.prepared.slice(0, PREVIEW_ENTRIES).map(({ article }) => ({ title: article.title, url: article.url, publishedAt: article.publishedAt })),
  };
}

function fetchProblem(error: FeedaggError, url: string): ConsoleError {
  // The guard of every poll: an operator adding a feed on their own network says so.
  const hint = error.code === 'BLOCKED_ADDRESS' ? ' (a feed on a private network: send allowPrivateNetworks: true, or tick "on a private network")' : '';
  return new ConsoleError(error.code === 'NOT_A_FEED' ? 'NOT_A_FEED' : 'FETCH', `url: ${redactUrl(url)}: ${error.code}: ${redactText(error.message)}${hint}`, { field: 'url' });
}

/** The feed at `url`, or the feeds the site at `url` offers. */
export async function discover(context: Context, rawUrl: unknown, allowPrivate: boolean): Promise<Discovery> {
  const url = checkFeedUrl(rawUrl);
  let advertised: string[];
  try {
    return { kind: 'feed', feed: await fetchAndRead(context, url, allowPrivate) };
  } catch (error) {
    const typed = asFeedaggError(error);
    if (typed.code !== 'NOT_A_FEED') throw fetchProblem(typed, url);
    advertised = typed.feedLinks ?? [];
  }
  const origin = new URL(url).origin;
  const candidates = advertised.length > 0 ? advertised : COMMON_FEED_PATHS.map((path) => `${origin}${path}`);
  const feeds: FeedPreview[] = [];
  const failed: Array<{ url: string; code: string; message: string }> = [];
  // One after another: a site is asked for a handful of documents, never a burst.
  for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
    try {
      const feed = await fetchAndRead(context, candidate, allowPrivate);
      if (!feeds.some((known) => known.url === feed.url)) feeds.push(feed);
    } catch (error) {
      const typed = asFeedaggError(error);
      if (advertised.length > 0) failed.push({ url: redactUrl(candidate), code: typed.code, message: redactText(typed.message) });
    }
  }
  if (feeds.length === 0) {
    const tried = advertised.length > 0 ? `the ${advertised.length} feed(s) it advertises could not be read` : `it advertises no feed (<link rel="alternate">) and none was found at ${COMMON_FEED_PATHS.join(', ')}`;
    throw new ConsoleError('NOT_A_FEED', `url: ${redactUrl(url)} is not a feed, and ${tried}`, { field: 'url' });
  }
  return { kind: 'site', url, feeds, failed };
}

/** An id for a new source from its feed: the host's name part, made unique against `taken`. */
export function suggestId(feed: Pick<FeedPreview, 'url'>, taken: ReadonlySet<string>): string {
  const host = new URL(feed.url).hostname.replace(/^www\./, '');
  // An address or a single name says nothing of the feed: its path's last part does.
  const named = /^[\d.]+$|^\[|^[^.]+$/.test(host) ? (new URL(feed.url).pathname.split('/').filter(Boolean).pop() ?? 'feed').replace(/\.[a-z]+$/i, '') : null;
  const base = named !== null ? named.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 56) || 'feed' : (host.split('.').filter((part) => part !== '').slice(0, -1).join('-') || host).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 56) || 'feed';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

