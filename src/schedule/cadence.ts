/** How often a feed publishes, from the dates of its entries. Pure. */

const MIN_ENTRIES = 3;
const RECENT = 20;

/** Median gap between the newest entries' dates (ms), or null with fewer than 3 dated entries. */
export function observedCadence(dates: Array<string | null>): number | null {
  const times = [...new Set(dates.filter((date): date is string => date !== null).map((date) => Date.parse(date)).filter(Number.isFinite))]
    .sort((a, b) => b - a)
    .slice(0, RECENT);
  if (times.length < MIN_ENTRIES) return null;
  const gaps = times.slice(1).map((time, index) => (times[index] ?? time) - time).sort((a, b) => a - b);
  const middle = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 === 1 ? (gaps[middle] ?? 0) : ((gaps[middle - 1] ?? 0) + (gaps[middle] ?? 0)) / 2;
  return median > 0 ? median : null;
}
