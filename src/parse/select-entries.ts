/** Which entries of a document to keep when it has more than a limit allows. Pure. */
import type { RawEntry } from './raw-feed.js';

export interface EntrySelection {
  /** At most this many entries are kept. */
  max: number;
  /** Higher is better (e.g. newer); equal ranks keep the earlier entry. */
  rank: (entry: RawEntry) => number;
}

/** The `max` best entries by rank, in their document order. */
export function keepBest(entries: RawEntry[], selection: EntrySelection): RawEntry[] {
  if (entries.length <= selection.max) return entries;
  const ranked = entries.map((entry, index) => ({ index, rank: selection.rank(entry) }));
  ranked.sort((a, b) => b.rank - a.rank || a.index - b.index);
  const kept = new Set(ranked.slice(0, selection.max).map((entry) => entry.index));
  return entries.filter((_, index) => kept.has(index));
}
