/** The operator's view of every source: its definition with its stored state. */
import type { SourceConfig } from '../../config/schema.js';
import type { OutcomeRecord, SourceError, SourceStatus } from '../model/source-state.js';
import { initialSourceState } from '../schedule/source-transition.js';
import { sourceHealth, type SourceHealth } from './source-health.js';
import type { AppContext } from '../runtime/context.js';
import { pollUrl } from '../schedule/source-transition.js';
import { hostOf } from '../store/source-state-store.js';
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
  /** What the source is doing, in the one vocabulary of every view (see source-health.ts). */
  health: SourceHealth;
  lastSuccessAt: string | null;
  /** Its host's Retry-After hold, when one is on: why, and until when. */
  hold: { reason: string; until: string } | null;
  /** The last poll's wait for its host (politeness), in ms. */
  waitMs: number;
  /** The last polls, newest first (at most 20). */
  recentOutcomes: OutcomeRecord[];
}

/** One row per source: its definition with its stored state (for `sources`, /metrics and the status page). */
export async function sourceRows(context: Pick<AppContext, 'store'>, sources: SourceConfig[], now = Date.now()): Promise<SourceRow[]> {
  const { store } = context;
  const ids = sources.map((source) => source.id);
  const [states, times, histories, claimed] = await Promise.all([store.sources.readSourceStates(ids), store.schedule.nextPollTimes(ids), store.sources.readOutcomes(ids), store.schedule.stillClaimed(ids)]);
  const hosts = sources.map((source, index) => hostOf(pollUrl(source.url, states[index] ?? initialSourceState(source.id))));
  const holds = await store.hosts.hostHolds([...new Set(hosts)], now);
  return sources.map((source, index) => {
    const stored = states[index];
    const next = times.get(source.id);
    const state = !source.enabled ? 'disabled' : stored?.state === 'disabled' ? 'active' : (stored?.state ?? 'active');
    const host = hosts[index] ?? '';
    const heldUntil = holds.get(host) ?? null;
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
      health: sourceHealth(source.enabled, stored, heldUntil, claimed.has(source.id)),
      lastSuccessAt: stored?.lastSuccessAt ?? null,
      hold: heldUntil === null ? null : { reason: `Retry-After from ${host}`, until: new Date(heldUntil).toISOString() },
      waitMs: histories[index]?.[0]?.waitMs ?? 0,
      recentOutcomes: histories[index] ?? [],
    };
  });
}
