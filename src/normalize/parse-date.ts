/**
 * Feed dates → ISO-8601 UTC or null (never "Invalid Date"). Reads RFC 822/2822 and its
 * real-world variants (named zones, missing seconds, two-digit years, day names anywhere,
 * full month names, stray commas), RFC 3339 / ISO 8601 / W3CDTF partial dates, asctime,
 * JavaScript's Date#toString, and Unix time. Anything it cannot read fully is rejected
 * rather than guessed. Pure; never depends on the machine's time zone.
 */
import { DAYS, MONTHS, ZONES } from './date-names.js';

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset from UTC in minutes. */
  offset: number;
}

/**
 * A date before the Unix epoch with no time zone is a placeholder (`0000-01-01`, an empty
 * database field), not a publication date: read as real, it would sort the entry out of
 * every window. With an explicit zone it is taken as written.
 */
const MIN_ZONELESS_YEAR = 1970;

function toMillis(parts: Parts): number | null {
  const { year, month, day, hour, minute, second, offset } = parts;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  if (Math.abs(offset) > 14 * 60) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null; // e.g. 31 February
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  return date.getTime() - offset * 60_000;
}

function offsetMinutes(sign: string, hours: string, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = Number(minutes ?? 0);
  if (h > 14 || m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function expandYear(text: string): number {
  const year = Number(text);
  if (text.length > 2) return year;
  return year < 50 ? 2000 + year : 1900 + year; // RFC 2822 section 4.3
}

const ISO = /^(\d{4})(?:-?(\d{2}|0\d{2})(?:-?(\d{2}))?)?(?:[T ](\d{1,2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** ISO 8601 / RFC 3339 / W3CDTF, including partial dates and the compact two-digit-year forms. */
function parseIso(text: string): number | null {
  const compact = /^(?:-(\d{2})-?(\d{2})|(\d{2})-(\d{2})-(\d{2})|(\d{2})(\d{2})(\d{2}))$/.exec(text);
  if (compact) {
    const [, yy1, mm1, yy2, mm2, dd2, yy3, mm3, dd3] = compact;
    const year = expandYear(yy1 ?? yy2 ?? yy3 ?? '');
    return toMillis({ year, month: Number(mm1 ?? mm2 ?? mm3), day: Number(dd2 ?? dd3 ?? 1), hour: 0, minute: 0, second: 0, offset: 0 });
  }
  const match = ISO.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, zone] = match;
  if ((hour !== undefined && minute === undefined) || (zone !== undefined && hour === undefined)) return null;
  if (zone === undefined && Number(year) < MIN_ZONELESS_YEAR) return null;
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const zoneMatch = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    const minutes = zoneMatch ? offsetMinutes(zoneMatch[1] ?? '+', zoneMatch[2] ?? '0', zoneMatch[3]) : null;
    if (minutes === null) return null;
    offset = minutes;
  }
  return toMillis({ year: Number(year), month: Number(month ?? 1), day: Number(day ?? 1), hour: Number(hour ?? 0), minute: Number(minute ?? 0), second: Number(second ?? 0), offset });
}

function zoneToken(token: string): number | null {
  const named = ZONES[token];
  if (named !== undefined) return named;
  const numeric = /^(?:gmt|utc|ut)?([+-])(\d{1,2}):?(\d{2})?$/.exec(token);
  if (!numeric) return null;
  if (numeric[2]?.length === 1 && numeric[3] === undefined && !token.startsWith('gmt') && !token.startsWith('utc')) return null;
  return offsetMinutes(numeric[1] ?? '+', numeric[2] ?? '0', numeric[3]);
}

/** RFC 822 and relatives: tokens in any order, each of which must be understood. */
function parseTokens(text: string): number | null {
  const tokens = text.toLowerCase().replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  let month: number | null = null;
  let time: [number, number, number] | null = null;
  let offset: number | null = null;
  let meridiem: 'am' | 'pm' | null = null;
  const numbers: string[] = [];
  for (const token of tokens) {
    const slashed = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(token);
    if (slashed) {
      numbers.push(slashed[1] ?? '', slashed[3] ?? '');
      month = Number(slashed[2]);
    } else if (/^\d{1,4}$/.test(token)) numbers.push(token);
    else if (/^\d{1,2}:\d{1,2}(:\d{1,2})?$/.test(token)) {
      if (time) return null;
      const [h = 0, m = 0, s = 0] = token.split(':').map(Number);
      time = [h, m, s];
    } else if (MONTHS[token.replace(/\.$/, '')] !== undefined) {
      if (month !== null) return null;
      month = MONTHS[token.replace(/\.$/, '')] ?? null;
    } else if (DAYS.has(token.replace(/\.$/, ''))) continue;
    else if (token === 'am' || token === 'pm' || token === '오전' || token === '오후') meridiem = token === 'am' || token === '오전' ? 'am' : 'pm';
    else {
      const zone = zoneToken(token);
      if (zone === null || offset !== null) return null;
      offset = zone;
    }
  }
  if (month === null || numbers.length !== 2) return null;
  const yearIndex = numbers.findIndex((value) => value.length >= 3);
  const [dayText, yearText] = yearIndex === -1 ? [numbers[0], numbers[1]] : [numbers[1 - yearIndex], numbers[yearIndex]];
  let [hour, minute, second] = time ?? [0, 0, 0];
  if (meridiem === 'pm' && hour < 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  const year = expandYear(yearText ?? '');
  if (offset === null && year < MIN_ZONELESS_YEAR) return null;
  return toMillis({ year, month, day: Number(dayText), hour, minute, second, offset: offset ?? 0 });
}

/** Korean forms feedparser reads: "2004년 05월 28일 01:31:15", "2004-05-25 오후 11:23:17" (KST). */
function parseKorean(text: string): number | null {
  if (!/[년월일]|오[전후]/.test(text)) return null;
  const match = /^(\d{4})(?:년\s*|-)(\d{1,2})(?:월\s*|-)(\d{1,2})일?\s+(오[전후])?\s*(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, meridiem, hourText, minute, second] = match;
  let hour = Number(hourText);
  if (meridiem === '오후' && hour < 12) hour += 12;
  if (meridiem === '오전' && hour === 12) hour = 0;
  return toMillis({ year: Number(year), month: Number(month), day: Number(day), hour, minute: Number(minute), second: Number(second), offset: 540 });
}

/** Month names spelled out inside an ISO date ("2004-július-13T9:15-05:00"). */
function numericMonths(text: string): string {
  return text.replace(/^(\d{4})-([^\d\s-]+)-/u, (whole, year: string, name: string) => {
    const month = MONTHS[name.toLowerCase()];
    return month === undefined ? whole : `${year}-${String(month).padStart(2, '0')}-`;
  }).replace(/T(\d):/, 'T0$1:');
}

/** Epoch milliseconds of a feed date, or null when it cannot be read fully. */
export function parseDateValue(value: string | number): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return value > 1e11 ? value : value * 1000; // JSON Unix time: seconds (ms when clearly too large)
  }
  const text = value.trim();
  if (!text) return null;
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  return parseIso(numericMonths(text)) ?? parseKorean(text) ?? parseTokens(text);
}

/**
 * @param skewMs a date more than this far past `now` is clamped to `now` (a feed's clock,
 * or its author, cannot publish in the future).
 */
export function parseDate(value: string | number | null | undefined, now: Date, skewMs = 10 * 60_000): string | null {
  if (value === null || value === undefined) return null;
  const ms = parseDateValue(value);
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms > now.getTime() + skewMs ? now.getTime() : ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
