/** RFC 9110 10.2.3 Retry-After: delay-seconds or an HTTP-date → epoch ms, or null. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return now + Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(now, date) : null;
}
