/** The operator's view of every source: its definition with its stored state. */
import type { SourceConfig } from '../../config/schema.js';
import type { SourceError, SourceStatus } from '../model/source-state.js';
import type { AppContext } from '../runtime/context.js';
import { pollUrl } from '../schedule/source-transition.js';
import { nextPollTimes } from '../store/schedule-store.js';
import { readSourceStates } from '../store/source-state-store.js';
import { redactText, redactUrl } from '../redact.js';

/** One row of `feedagg sources --json`: the operator's view of a source (a documented contract). */
export interface SourceRow {
  id: string;
  url: string;
  effectiveUrl: string;
  state: SourceStatus;
  lastPollAt: string | null;
  lastStatus: number | null;
  lastError: SourceError | null;
  nextPollAt: string | null;
  consecutiveFailures: number;
  etag: string | null;
  lastModified: string | null;
  itemsSeen: number;
}

/** One row per source: its definition with its stored state (for `sources`, /metrics and the status page). */
export async function sourceRows(context: Pick<AppContext, 'redis' | 'keys'>, sources: SourceConfig[]): Promise<SourceRow[]> {
  const { redis, keys } = context;
  const ids = sources.map((source) => source.id);
  const [states, times] = await Promise.all([readSourceStates(redis, keys, ids), nextPollTimes(redis, keys, ids)]);
  return sources.map((source, index) => {
    const stored = states[index];
    const next = times.get(source.id);
    const state = !source.enabled ? 'disabled' : stored?.state === 'disabled' ? 'active' : (stored?.state ?? 'active');
    return {
      id: source.id,
      // Shown to operators, pages and scripts: never with credentials (DESIGN.md "Secrets").
      url: redactUrl(source.url),
      effectiveUrl: redactUrl(stored ? pollUrl(source.url, stored) : source.url),
      state,
      lastPollAt: stored?.lastPollAt ?? null,
      lastStatus: stored?.lastStatus ?? null,
      lastError: stored?.lastError ? { ...stored.lastError, message: redactText(stored.lastError.message) } : null,
      nextPollAt: source.enabled && next !== null && next !== undefined && Number.isFinite(next) ? new Date(next).toISOString() : null,
      consecutiveFailures: stored?.consecutiveFailures ?? 0,
      etag: stored?.etag ?? null,
      lastModified: stored?.lastModified ?? null,
      itemsSeen: stored?.itemsSeen ?? 0,
    };
  });
}
