/**
 * GET a feed with undici: conditional headers, a deadline for the whole exchange, a body cap,
 * and redirects followed by hand so every hop is visible (and checkable) to the caller.
 */
import { Agent, request } from 'undici';
import { FeedaggError } from '../errors.js';
import { classifyStatus, classifyTransportError } from './classify-error.js';
import { readBodyCapped } from './read-body.js';

export interface FetchOptions {
  timeoutMs: number;
  maxBodySize: number;
  userAgent: string;
  headers?: Record<string, string>;
  etag?: string | null;
  lastModified?: string | null;
  maxRedirects?: number;
  dispatcher?: Agent;
}

export interface RedirectHop {
  from: string;
  to: string;
  status: number;
}

export interface FetchResult {
  /** Status of the final response (200 or 304). */
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

export const defaultDispatcher = new Agent({ connections: 8, keepAliveTimeout: 4_000 });

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function requestHeaders(options: FetchOptions): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
  };
  // RFC 9110 13.1.3: a server evaluates If-None-Match first; send both so either may match.
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  return headers;
}

export async function fetchFeed(url: string, options: FetchOptions): Promise<FetchResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const maxRedirects = options.maxRedirects ?? 5;
  const redirects: RedirectHop[] = [];
  const headers = requestHeaders(options);
  let current = url;
  try {
    for (;;) {
      const response = await request(current, {
        method: 'GET',
        headers,
        signal,
        dispatcher: options.dispatcher ?? defaultDispatcher,
      });
      const responseHeaders = flattenHeaders(response.headers);
      const location = responseHeaders.location;
      if (REDIRECT_STATUSES.has(response.statusCode) && location) {
        await response.body.dump();
        if (redirects.length >= maxRedirects) {
          throw new FeedaggError('TOO_MANY_REDIRECTS', `${url}: more than ${maxRedirects} redirects`, { retryable: false });
        }
        const next = new URL(location, current).toString();
        redirects.push({ from: current, to: next, status: response.statusCode });
        current = next;
        continue;
      }
      if (response.statusCode === 304) {
        await response.body.dump();
        return { status: 304, notModified: true, body: Buffer.alloc(0), contentType: responseHeaders['content-type'] ?? null, etag: responseHeaders.etag ?? options.etag ?? null, lastModified: responseHeaders['last-modified'] ?? options.lastModified ?? null, url: current, redirects, headers: responseHeaders };
      }
      const statusError = classifyStatus(response.statusCode, current, responseHeaders);
      if (statusError) {
        await response.body.dump().catch(() => undefined);
        throw statusError;
      }
      const body = await readBodyCapped(response.body, options.maxBodySize, current);
      return {
        status: response.statusCode,
        notModified: false,
        body,
        contentType: responseHeaders['content-type'] ?? null,
        etag: responseHeaders.etag ?? null,
        lastModified: responseHeaders['last-modified'] ?? null,
        url: current,
        redirects,
        headers: responseHeaders,
      };
    }
  } catch (error) {
    throw classifyTransportError(error, current, options.timeoutMs);
  }
}
