/** Which entries of a document to keep when it has more than a limit allows. Pure. */
import type { RawEntry } from './raw-feed.js';

export interface EntrySelection {
  /** At most this many entries are kept. */
  max: number;
  /** Higher is better (e.g. newer); equal ranks keep the earlier entry. */
  rank: (entry: RawEntry) => number;
}

interface Ranked {
  entry: RawEntry;
  rank: number;
  index: number;
}

function best(ranked: Ranked[], max: number): Ranked[] {
  if (ranked.length <= max) return ranked;
  const kept = [...ranked].sort((a, b) => b.rank - a.rank || a.index - b.index).slice(0, max);
  return kept.sort((a, b) => a.index - b.index);
}

/** The `max` best entries by rank, in their document order. */
export function keepBest(entries: RawEntry[], selection: EntrySelection): RawEntry[] {
  if (entries.length <= selection.max) return entries;
  return best(entries.map((entry, index) => ({ entry, index, rank: selection.rank(entry) })), selection.max).map((item) => item.entry);
}

/**
 * Entries as a reader finds them, pruned to the best `max` whenever twice that many pile up:
 * a document's size in entries never costs more than twice the limit in memory, and each
 * entry is ranked once.
 */
export class BestEntries {
  private ranked: Ranked[] = [];
  /** Entries added in all. */
  count = 0;

  constructor(private readonly selection: EntrySelection | null) {}

  add(entry: RawEntry): void {
    const rank = this.selection ? this.selection.rank(entry) : 0;
    this.ranked.push({ entry, rank, index: this.count });
    this.count += 1;
    if (this.selection && this.ranked.length >= this.selection.max * 2) this.ranked = best(this.ranked, this.selection.max);
  }

  /** The entries kept, in document order. */
  entries(): RawEntry[] {
    return (this.selection ? best(this.ranked, this.selection.max) : this.ranked).map((item) => item.entry);
  }
}
