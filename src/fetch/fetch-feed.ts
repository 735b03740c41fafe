/**
 * GET a feed with undici: conditional headers, compression, one deadline for the whole
 * exchange (connect, headers, body, every redirect), a cap on the decompressed body, and
 * redirects followed by hand so that every hop is checked by the address guard and the
 * per-host politeness hook, and reported to the caller.
 */
import { request, type Dispatcher } from 'undici';
import { FeedaggError } from '../errors.js';
import { checkLiteralHost, type AddressPolicy } from './address-guard.js';
import { classifyStatus, classifyTransportError } from './classify-error.js';
import { ACCEPT_ENCODING, readDecodedBody } from './decompress.js';
import { parseRetryAfter } from './retry-after.js';
import { redactUrl, splitCredentials } from '../redact.js';

/** Called before every request (each redirect hop too); resolves to a release function. */
export type BeforeRequest = (url: URL) => Promise<() => Promise<void>>;

export interface FetchOptions {
  timeoutMs: number;
  maxBodySize: number;
  userAgent: string;
  dispatcher: Dispatcher;
  /** Addresses to refuse (checked for IP-literal hosts here; the dispatcher checks resolved ones); null: no guard. */
  guard: AddressPolicy | null;
  headers?: Record<string, string>;
  etag?: string | null;
  lastModified?: string | null;
  maxRedirects?: number;
  /** Longest Retry-After honoured (ms); default 24h. */
  maxRetryAfterMs?: number;
  beforeRequest?: BeforeRequest;
  now?: () => number;
  /** Aborted when the process shuts down: the request ends INTERRUPTED (not the source's fault). */
  interrupt?: AbortSignal;
}

export interface RedirectHop {
  from: string;
  to: string;
  status: number;
}

export interface FetchResult {
  /** Status of the final response (2xx or 304). */
  status: number;
  notModified: boolean;
  body: Buffer;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** URL of the final response, after redirects. */
  url: string;
  redirects: RedirectHop[];
  headers: Record<string, string | undefined>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function requestHeaders(options: FetchOptions, withSourceHeaders: boolean, authorization: string | null): Record<string, string> {
  const headers: Record<string, string> = {
    // Userinfo in the source URL is Basic auth, for the configured origin only (like headers).
    ...(withSourceHeaders && authorization ? { authorization } : {}),
    'user-agent': options.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
    'accept-encoding': ACCEPT_ENCODING,
    ...(withSourceHeaders ? Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])) : {}),
  };
  // RFC 9110 13.1.3: a server evaluates If-None-Match first; send both so either may match.
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  return headers;
}

/** Only http(s) is fetched: a redirect to file:, data: or gopher: is refused, not followed. */
function checkScheme(target: URL, first: string): void {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new FeedaggError('BLOCKED_ADDRESS', `${first}: refusing to follow a redirect to a ${target.protocol} URL (${target.href.slice(0, 200)})`);
  }
}

function failWithStatus(response: Dispatcher.ResponseData, url: string, headers: Record<string, string | undefined>, now: number, maxRetryAfterMs: number | undefined): FeedaggError | null {
  const error = classifyStatus(response.statusCode, url, headers);
  if (!error) return null;
  const retryAfter = parseRetryAfter(headers['retry-after'], now, maxRetryAfterMs);
  if (retryAfter !== null && (response.statusCode === 429 || response.statusCode === 503)) {
    return new FeedaggError(error.code, `${error.message} (Retry-After ${new Date(retryAfter).toISOString()})`, { status: error.status, retryable: true, retryAfter });
  }
  return error;
}

type Step = { next: string } | { result: FetchResult };

/** Read one response: a redirect to follow, a final result, or a typed error. */
async function readResponse(response: Dispatcher.ResponseData, current: string, redirects: RedirectHop[], options: FetchOptions, now: number): Promise<Step> {
  const headers = flattenHeaders(response.headers);
  const location = headers.location;
  if (REDIRECT_STATUSES.has(response.statusCode) && location) {
    await response.body.dump();
    const maxRedirects = options.maxRedirects ?? 5;
    if (redirects.length >= maxRedirects) throw new FeedaggError('TOO_MANY_REDIRECTS', `${redirects[0]?.from ?? current}: more than ${maxRedirects} redirects (last: ${current})`);
    // Credentials in a Location are never sent on (nor shown): the hop goes to the bare URL.
    const next = splitCredentials(new URL(location, current).toString()).url;
    redirects.push({ from: current, to: next, status: response.statusCode });
    return { next };
  }
  const base = { contentType: headers['content-type'] ?? null, url: current, redirects, headers };
  if (response.statusCode === 304) {
    await response.body.dump();
    return { result: { ...base, status: 304, notModified: true, body: Buffer.alloc(0), etag: headers.etag ?? options.etag ?? null, lastModified: headers['last-modified'] ?? options.lastModified ?? null } };
  }
  const statusError = failWithStatus(response, current, headers, now, options.maxRetryAfterMs);
  if (statusError) {
    await response.body.dump().catch(() => undefined);
    throw statusError;
  }
  const body = await readDecodedBody(response.body, headers['content-encoding'], options.maxBodySize, current, headers['content-length']);
  return { result: { ...base, status: response.statusCode, notModified: false, body, etag: headers.etag ?? null, lastModified: headers['last-modified'] ?? null } };
}

export async function fetchFeed(configuredUrl: string, options: FetchOptions): Promise<FetchResult> {
  const now = options.now ?? Date.now;
  // RFC 3986 3.2.1: userinfo is not sent in the URL; curl and browsers send it as Basic auth.
  const { url, authorization } = splitCredentials(configuredUrl);
  const redirects: RedirectHop[] = [];
  const origin = new URL(url).origin;
  let current = url;
  // A source's own headers usually carry credentials (Authorization, Cookie, API keys): they
  // go to the configured origin only, never to another origin a redirect points at (as
  // browsers do for Authorization, Fetch 4.4, and undici's redirect handler for cookies too).
  let sameOrigin = true;
  // fetch.timeout bounds the time requests are in flight (connect, headers, body, every
  // redirect); waiting for a per-host slot (politeness) does not count against it.
  let spentMs = 0;
  try {
    for (;;) {
      const target = new URL(current);
      checkScheme(target, url);
      sameOrigin &&= target.origin === origin;
      if (options.guard) checkLiteralHost(target, options.guard);
      const release = options.beforeRequest ? await options.beforeRequest(target) : null;
      const started = Date.now();
      try {
        const timeout = AbortSignal.timeout(Math.max(1, options.timeoutMs - spentMs));
        const signal = options.interrupt ? AbortSignal.any([timeout, options.interrupt]) : timeout;
        const response = await request(current, { method: 'GET', headers: requestHeaders(options, sameOrigin, authorization), signal, dispatcher: options.dispatcher });
        const step = await readResponse(response, current, redirects, options, now());
        if ('result' in step) return step.result;
        current = step.next;
      } finally {
        spentMs += Date.now() - started;
        await release?.();
      }
    }
  } catch (error) {
    if (options.interrupt?.aborted) throw new FeedaggError('INTERRUPTED', `${redactUrl(current)}: the process shut down while the request was in flight`, { retryable: true, cause: error });
    throw classifyTransportError(error, current, options.timeoutMs);
  }
}
