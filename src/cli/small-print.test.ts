/** Issue 16, defect 12: what the CLI prints reads right (plurals, totals, whole words, a stable order). */
import { describe, expect, it } from 'vitest';
import type { SourceRow } from '../observe/source-rows.js';
import { emptyOutcome } from '../schedule/poll-decision.js';
import { cutAtWord, sortRows } from './commands/sources.js';
import { count, formatSummary } from './summary-table.js';

describe('the CLI in print', () => {
  it.each([[0, '0 sources'], [1, '1 source'], [2, '2 sources']])('count(%i) → %s', (n, text) => {
    expect(count(n, 'source')).toBe(text);
  });

  it('the run --once totals count merged articles, and say "1 source"', () => {
    const text = formatSummary([{ outcome: { ...emptyOutcome('a'), ok: true, status: 200, created: 2, merged: 3, updated: 1 } }]);
    expect(text.trim().split('\n').pop()).toBe('1 source, 0 failed, 2 new articles, 3 merged, 1 updated');
  });

  it('cuts a long error at a word, with an ellipsis', () => {
    const cut = cutAtWord('FETCH_TIMEOUT: no response from the server within 20 s while reading the body', 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toBe('FETCH_TIMEOUT: no response from the…');
    // A single word longer than the room (a URL) is cut where the room ends.
    expect(cutAtWord(`x ${'a'.repeat(80)}`, 40)).toBe(`x ${'a'.repeat(37)}…`);
    expect(cutAtWord('short', 40)).toBe('short');
  });

  it('lists sources that need the operator first (failing, held, retired), then by id, the same order every time', () => {
    const row = (id: string, health: SourceRow['health']): SourceRow => ({
      id, url: `http://x/${id}`, effectiveUrl: `http://x/${id}`, state: 'active', lastPollAt: null, lastStatus: null,
      lastError: health === 'failing' ? { code: 'HTTP_STATUS', message: 'HTTP 500' } : null,
      nextPollAt: null, consecutiveFailures: health === 'failing' ? 1 : 0, etag: null, lastModified: null, itemsSeen: 0,
      health, lastSuccessAt: null, hold: null, waitMs: 0, recentOutcomes: [],
    });
    const rows = [row('zeta', 'ok'), row('beta', 'failing'), row('alpha', 'ok'), row('gamma', 'failing'), row('delta', 'retired'), row('eta', 'held'), row('iota', 'new')];
    expect(sortRows(rows).map((entry) => entry.id)).toEqual(['beta', 'gamma', 'eta', 'delta', 'iota', 'alpha', 'zeta']);
  });
});
