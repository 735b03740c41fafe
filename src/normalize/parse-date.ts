/**
 * Feed dates → ISO-8601 UTC or null (never "Invalid Date"). RFC 822/1123 (RSS), RFC 3339
 * (Atom), W3CDTF partial dates (RSS 1.0 dc:date), Unix time (JSON numbers).
 */

/** RFC 822 section 5.1 zone names, plus common European ones found in the wild. */
const ZONES: Record<string, string> = {
  UT: '+0000', UTC: '+0000', GMT: '+0000', Z: '+0000',
  EST: '-0500', EDT: '-0400', CST: '-0600', CDT: '-0500', MST: '-0700', MDT: '-0600', PST: '-0800', PDT: '-0700',
  CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200', BST: '+0100', EET: '+0200', EEST: '+0300',
  WET: '+0000', WEST: '+0100', JST: '+0900', KST: '+0900', IST: '+0530', AEST: '+1000', AEDT: '+1100',
};

const W3CDTF = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function fromW3cPartial(text: string): number | null {
  const match = W3CDTF.exec(text);
  if (!match) return null;
  return Date.UTC(Number(match[1]), Number(match[2] ?? 1) - 1, Number(match[3] ?? 1));
}

function withNumericZone(text: string): string {
  return text.replace(/\b([A-Z]{1,4})\s*$/, (name) => ZONES[name.trim()] ?? name);
}

function toMillis(value: string | number): number | null {
  if (typeof value === 'number') {
    // Unix time: seconds, or milliseconds when it is clearly too large for seconds.
    return value > 1e11 ? value : value * 1000;
  }
  const text = value.trim();
  if (!text) return null;
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  const partial = fromW3cPartial(text);
  if (partial !== null) return partial;
  const parsed = Date.parse(withNumericZone(text.replace(/^[A-Za-z]{3},?\s*/, '')));
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * @param skewMs a date more than this far past `now` is clamped to `now` (a feed's clock,
 * or its author, cannot publish in the future).
 */
export function parseDate(value: string | number | null | undefined, now: Date, skewMs = 10 * 60_000): string | null {
  if (value === null || value === undefined) return null;
  const ms = toMillis(value);
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms > now.getTime() + skewMs ? now.getTime() : ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1900) return null;
  return date.toISOString();
}
