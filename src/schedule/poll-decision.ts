/**
 * Outcomes of a poll that did not fetch, and the words for why. Whether a source is polled is
 * decided in one place, scripts/poll-begin-batch.lua (disabled, gone, or its host under a
 * Retry-After), together with its host; this says it to the operator. Pure.
 */
import type { PollOutcome, SourceState } from '../model/source-state.js';

export type SkipStatus = 'disabled' | 'gone' | 'hold';

export function skipReason(sourceId: string, status: SkipStatus, state: SourceState, until: number | null): string {
  if (status === 'disabled') return 'disabled in the config';
  if (status === 'gone') return `gone (HTTP 410 since ${state.lastPollAt ?? 'unknown'}); "feedagg refresh ${sourceId}" re-enables it`;
  return `host asked to wait (Retry-After until ${new Date(until ?? 0).toISOString()})`;
}

export function emptyOutcome(sourceId: string): PollOutcome {
  return { sourceId, ok: false, status: null, notModified: false, skipped: null, entries: 0, created: 0, merged: 0, updated: 0, error: null, warnings: [], durationMs: 0, waitMs: 0 };
}

export function skippedOutcome(sourceId: string, reason: string): PollOutcome {
  return { ...emptyOutcome(sourceId), ok: true, skipped: reason };
}
