/** How long a response says it stays fresh (RFC 9111 4.2.1), and feed-declared periods. Pure. */
import type { FeedHints } from '../parse/raw-feed.js';

/** Cache-Control max-age (s-maxage for shared caches first), else Expires minus Date; ms or null. */
export function freshnessFromHeaders(headers: Record<string, string | undefined>, now: number): number | null {
  const cacheControl = (headers['cache-control'] ?? '').toLowerCase();
  if (/\b(no-store|no-cache)\b/.test(cacheControl)) return null;
  const maxAge = /\bs-maxage\s*=\s*"?(\d+)/.exec(cacheControl) ?? /\bmax-age\s*=\s*"?(\d+)/.exec(cacheControl);
  if (maxAge?.[1]) return Number(maxAge[1]) * 1000;
  const expires = Date.parse(headers.expires ?? '');
  if (!Number.isFinite(expires)) return null;
  const date = Date.parse(headers.date ?? '');
  const freshness = expires - (Number.isFinite(date) ? date : now);
  return freshness > 0 ? freshness : null;
}

const PERIODS: Record<string, number> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 604_800_000,
  monthly: 2_592_000_000,
  yearly: 31_536_000_000,
};

/** RSS 1.0 syndication module: updatePeriod / updateFrequency (default daily, 1). */
export function syndicationPeriod(hints: FeedHints): number | null {
  if (!hints.updatePeriod && !hints.updateFrequency) return null;
  const period = PERIODS[hints.updatePeriod ?? 'daily'];
  return period === undefined ? null : period / (hints.updateFrequency ?? 1);
}

export function ttlPeriod(hints: FeedHints): number | null {
  return hints.ttlMinutes === null ? null : hints.ttlMinutes * 60_000;
}
