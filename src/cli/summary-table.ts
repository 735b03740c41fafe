/** The per-source summary `run --once` prints at the end. */
import type { PollOutcome } from '../model/source-state.js';
import { formatTable } from './text-table.js';

export interface SummaryRow {
  outcome: PollOutcome;
}

function resultText(row: SummaryRow): string {
  const { outcome } = row;
  if (outcome.skipped) return `skipped: ${outcome.skipped}`;
  if (!outcome.ok) return `FAILED ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`.trim();
  return outcome.notModified ? 'ok (not modified)' : 'ok';
}

export function formatSummary(rows: SummaryRow[]): string {
  // FETCH is the time the requests were in flight; WAIT the time spent for a per-host slot (politeness).
  const header = ['SOURCE', 'HTTP', 'ENTRIES', 'NEW', 'MERGED', 'UPDATED', 'FETCH', 'WAIT', 'RESULT'];
  const body = rows.map((row) => [
    row.outcome.sourceId,
    row.outcome.status === null ? '-' : String(row.outcome.status),
    String(row.outcome.entries),
    String(row.outcome.created),
    String(row.outcome.merged),
    String(row.outcome.updated),
    `${row.outcome.durationMs}ms`,
    row.outcome.waitMs > 0 ? `${row.outcome.waitMs}ms` : '-',
    resultText(row),
  ]);
  const failed = rows.filter((row) => !row.outcome.ok).length;
  const skipped = rows.filter((row) => row.outcome.skipped).length;
  const created = rows.reduce((sum, row) => sum + row.outcome.created, 0);
  const merged = rows.reduce((sum, row) => sum + row.outcome.merged, 0);
  const updated = rows.reduce((sum, row) => sum + row.outcome.updated, 0);
  const totals = [count(rows.length, 'source'), `${failed} failed`, ...(skipped ? [`${skipped} skipped`] : []), count(created, 'new article'), `${merged} merged`, `${updated} updated`];
  return `${formatTable([header, ...body])}\n\n${totals.join(', ')}\n`;
}

/** "1 source", "2 sources". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
