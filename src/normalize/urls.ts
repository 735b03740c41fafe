/** URL resolution and the canonical form used for identity. */

/** Query parameters that only track the reader (campaign tags, click ids), never select content. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'mc_cid', 'mc_eid', 'igshid', 'yclid',
  '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'wickedid', 'ref_src', 'spm',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hsa_', 'ga_'];

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Longer URLs are dropped, wherever they come from (element text, attributes, JSON): browsers
 * and servers refuse them long before (RFC 9110 4.1 recommends supporting 8,000 octets), and
 * each one would be stored and published with every copy of its article.
 */
export const MAX_URL_LENGTH = 8 * 1024;

/** RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". */
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Resolve `value` against each base in turn; null when no absolute http(s) URL results, or it is longer than MAX_URL_LENGTH. */
export function resolveUrl(value: string | null | undefined, ...bases: Array<string | null | undefined>): string | null {
  const text = value?.trim();
  if (!text || text.length > MAX_URL_LENGTH) return null;
  // A relative reference (no scheme, RFC 3986 4.2) is not tried on its own: a thrown TypeError
  // per link made content of many relative links four times slower to sanitize.
  const absolute = SCHEME.test(text);
  for (const base of absolute ? [undefined] : bases) {
    try {
      if (base === null) continue;
      const url = base === undefined ? new URL(text) : new URL(text, base);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
      if (base === undefined) return null; // absolute but not http(s): mailto:, javascript:, …
    } catch {
      // not resolvable against this base; try the next
    }
  }
  return null;
}

/** An absolute URL without its tracking parameters (the form published as Article.url). */
export function removeTrackingParams(value: string): string {
  const url = new URL(value);
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
  if (kept.length === [...url.searchParams.keys()].length) return url.toString();
  url.search = '';
  for (const [name, paramValue] of kept) url.searchParams.append(name, paramValue);
  return url.toString();
}

/**
 * The canonical form of an absolute URL for identity: lower-case scheme and host and default
 * port dropped (WHATWG URL does both), tracking parameters and fragment removed.
 */
export function canonicalUrl(value: string): string {
  const url = new URL(removeTrackingParams(value));
  url.hash = '';
  return url.toString();
}
