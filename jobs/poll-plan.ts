/** Which URL a poll uses and whether it may run at all, from config and stored state. */
import type { SourceConfig } from '../config/schema.js';
import type { PollOutcome } from '../src/model/source-state.js';
import type { StoredSourceState } from '../src/store/source-state-store.js';

/** The persisted redirect target, unless the operator changed the URL in the config since. */
export function currentPollUrl(source: SourceConfig, state: StoredSourceState): string {
  return state.configUrl === source.url && state.effectiveUrl ? state.effectiveUrl : source.url;
}

export function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

/** A reason not to poll now, or null. */
export function skipReason(state: StoredSourceState, retryAfter: number | undefined, now: Date): string | null {
  if (state.state === 'gone') return `gone (HTTP 410 since ${state.lastPollAt ?? 'unknown'}); "feedagg refresh ${state.id}" re-enables it`;
  if (state.state === 'disabled') return 'disabled in the config';
  if (retryAfter !== undefined && retryAfter > now.getTime()) return `host asked to wait (Retry-After until ${new Date(retryAfter).toISOString()})`;
  return null;
}

export function emptyOutcome(sourceId: string): PollOutcome {
  return { sourceId, ok: false, status: null, notModified: false, skipped: null, entries: 0, created: 0, merged: 0, updated: 0, error: null, durationMs: 0 };
}
