/** Whether a due source is polled now, or skipped and why: the one place that decides. Pure. */
import type { PollOutcome, SourceState } from '../model/source-state.js';

export type PollDecision =
  | { poll: true; url: string }
  /** `until`: the poll time to keep the source at (a host hold); null: leave the schedule as is. */
  | { poll: false; reason: string; until: number | null };

export interface DecisionInput {
  sourceId: string;
  enabled: boolean;
  state: SourceState;
  /** The URL a poll would use. */
  url: string;
  /** Epoch ms until which the URL's host asked not to be contacted (Retry-After), or null. */
  hostHoldUntil: number | null;
  now: number;
}

export function decidePoll(input: DecisionInput): PollDecision {
  const { state } = input;
  if (!input.enabled) return { poll: false, reason: 'disabled in the config', until: null };
  if (state.state === 'gone') {
    return { poll: false, reason: `gone (HTTP 410 since ${state.lastPollAt ?? 'unknown'}); "feedagg refresh ${input.sourceId}" re-enables it`, until: null };
  }
  if (input.hostHoldUntil !== null && input.hostHoldUntil > input.now) {
    return { poll: false, reason: `host asked to wait (Retry-After until ${new Date(input.hostHoldUntil).toISOString()})`, until: input.hostHoldUntil };
  }
  return { poll: true, url: input.url };
}

export function emptyOutcome(sourceId: string): PollOutcome {
  return { sourceId, ok: false, status: null, notModified: false, skipped: null, entries: 0, created: 0, merged: 0, updated: 0, error: null, warnings: [], durationMs: 0, waitMs: 0 };
}

export function skippedOutcome(sourceId: string, reason: string): PollOutcome {
  return { ...emptyOutcome(sourceId), ok: true, skipped: reason };
}
