/** RSS 2.0 <skipHours>/<skipDays>: move a poll time out of the hours and days a feed asks us to skip. */

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const HOUR = 3_600_000;

function skipped(time: number, hours: Set<number>, days: Set<string>): boolean {
  const date = new Date(time);
  return hours.has(date.getUTCHours()) || days.has(DAY_NAMES[date.getUTCDay()] ?? '');
}

/**
 * The first time at or after `at` outside the skipped hours (GMT, per the RSS 2.0 spec) and
 * days; never later than `latest` (a feed that skips every hour is still read, rarely).
 */
export function clampToAllowedTime(at: number, skipHours: number[], skipDays: string[], latest: number): number {
  if (skipHours.length === 0 && skipDays.length === 0) return at;
  const hours = new Set(skipHours);
  const days = new Set(skipDays);
  let time = at;
  for (let step = 0; step < 24 * 8 && skipped(time, hours, days); step += 1) {
    time = Math.floor(time / HOUR) * HOUR + HOUR; // the start of the next hour
  }
  return Math.min(Math.max(at, time), Math.max(at, latest));
}
