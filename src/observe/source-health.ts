/**
 * One word for what a source is doing, shared by the status page, `feedagg sources` and
 * /metrics (issue 16: the headline said "1 failing or gone" while 13 sources had errors, and
 * failed rows said "active"). The stored lifecycle state (active, failing, gone, disabled)
 * drives the schedule; this is what an operator acts on:
 *
 *   failing   its last poll failed (FAILS counts the polls in a row; backed off when many)
 *   held      its host asked to wait (Retry-After) and it is not polled until then
 *   retired   the server said it is gone for good (410): no longer polled
 *   polling   claimed for a poll that has not ended (its batch is queued or running)
 *   disabled  the config turned it off
 *   new       not polled yet
 *   ok        its last poll succeeded
 */
import type { SourceState } from '../model/source-state.js';

export const SOURCE_HEALTH = ['failing', 'held', 'retired', 'polling', 'new', 'ok', 'disabled'] as const;
export type SourceHealth = (typeof SOURCE_HEALTH)[number];

export function sourceHealth(enabled: boolean, state: SourceState | undefined, heldUntil: number | null, polling = false): SourceHealth {
  if (!enabled) return 'disabled';
  if (state?.state === 'gone') return 'retired';
  if (polling) return 'polling';
  if (heldUntil !== null) return 'held';
  if (state && (state.consecutiveFailures > 0 || state.state === 'failing')) return 'failing';
  if (!state?.lastPollAt) return 'new';
  return 'ok';
}

/** Sources that need the operator first: the order of SOURCE_HEALTH. */
export function healthRank(health: SourceHealth): number {
  return SOURCE_HEALTH.indexOf(health);
}
