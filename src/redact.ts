/**
 * Secrets in source URLs are never shown (DESIGN.md "Secrets"): a URL as published, served,
 * printed or logged has no userinfo (RFC 3986 3.2.1 deprecates it; it is sent as Basic auth
 * instead) and the values of query parameters that carry credentials replaced by REDACTED.
 * Pure, linear in the text.
 */

/** Query parameter names that carry credentials (compared case-insensitively). */
export const SECRET_PARAMS = new Set(['token', 'key', 'apikey', 'api_key', 'access_token', 'auth', 'password', 'secret', 'sig', 'signature']);

export const REDACTED = 'REDACTED';

const SCHEMES = new Set(['http:', 'https:', 'redis:', 'rediss:']);

/** The URL without userinfo and with secret query values replaced; text that is not a URL is returned as it is. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  // Source URLs, and the Redis URLs the CLI names in its messages.
  if (!SCHEMES.has(url.protocol)) return value;
  let changed = false;
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    changed = true;
  }
  if (url.search) {
    // Rebuilt by hand, not through URLSearchParams: that would re-encode every other parameter.
    const parts = url.search.slice(1).split('&').map((part) => {
      const equals = part.indexOf('=');
      const name = equals === -1 ? part : part.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the name as written
      }
      if (!SECRET_PARAMS.has(decoded.toLowerCase()) || part.slice(equals + 1) === REDACTED) return part;
      changed = true;
      return `${name}=${REDACTED}`;
    });
    url.search = parts.join('&');
  }
  return changed ? url.toString() : value;
}

// Non-overlapping matches, each ending at the first character a URL cannot hold unescaped:
// one scan of the text. Whatever follows (`:`, `)`, `,`) is kept by redactUrl parsing only the URL.
const URLS_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

const TRAILING = new Set([':', ',', '.', ';', ')', ']']);

/** Every http(s) URL in a text (an error message, a log line) redacted. */
export function redactText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URLS_IN_TEXT, (match) => {
    // "http://host/feed:" in "…/feed: HTTP 404": a trailing colon or comma is punctuation.
    // Looked for from the end by hand: `/[:,.;)]+$/` would rescan a run of them from each start.
    let end = match.length;
    while (end > 0 && TRAILING.has(match.charAt(end - 1))) end -= 1;
    return redactUrl(match.slice(0, end)) + match.slice(end);
  });
}

/** `Authorization: Basic` for a URL's userinfo (as curl sends it), and the URL without it. */
export function splitCredentials(value: string): { url: string; authorization: string | null } {
  const url = new URL(value);
  if (!url.username && !url.password) return { url: value, authorization: null };
  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
