/** RFC 9110 10.2.3 Retry-After: delay-seconds or an HTTP-date → epoch ms, or null. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * A server may ask for any delay, but one answer must not park a host for years
 * (`Retry-After: 999999999999`): the wait is capped at `maxMs` from now.
 */
export function parseRetryAfter(value: string | undefined, now: number, maxMs = DEFAULT_MAX_RETRY_AFTER_MS): number | null {
  const text = value?.trim();
  if (!text) return null;
  let until: number;
  if (/^\d+$/.test(text)) until = now + Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (!Number.isFinite(date)) return null;
    until = Math.max(now, date);
  }
  return Math.min(until, now + maxMs);
}
