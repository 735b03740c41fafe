/** The per-source summary `run --once` prints at the end. */
import type { PollOutcome } from '../model/source-state.js';

export interface SummaryRow {
  outcome: PollOutcome;
  skipped?: string;
}

function pad(cells: string[][]): string {
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length))) ?? [];
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

function resultText(row: SummaryRow): string {
  if (row.skipped) return `skipped: ${row.skipped}`;
  const { outcome } = row;
  if (!outcome.ok) return `FAILED ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`.trim();
  return outcome.notModified ? 'ok (not modified)' : 'ok';
}

export function formatSummary(rows: SummaryRow[]): string {
  const header = ['SOURCE', 'HTTP', 'ENTRIES', 'NEW', 'MERGED', 'TIME', 'RESULT'];
  const body = rows.map((row) => [
    row.outcome.sourceId,
    row.outcome.status === null ? '-' : String(row.outcome.status),
    String(row.outcome.entries),
    String(row.outcome.created),
    String(row.outcome.merged),
    `${row.outcome.durationMs}ms`,
    resultText(row),
  ]);
  const failed = rows.filter((row) => !row.skipped && !row.outcome.ok).length;
  const created = rows.reduce((sum, row) => sum + row.outcome.created, 0);
  return `${pad([header, ...body])}\n\n${rows.length} sources, ${failed} failed, ${created} new articles\n`;
}
