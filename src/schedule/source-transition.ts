/**
 * How a poll changes a source's state. Pure.
 *
 * - 410 Gone → `gone`: not polled again until an operator re-enables it (`feedagg refresh`).
 * - Failures count up; after `maxFailures` in a row spanning at least a day → `failing`
 *   (polled only at the maximum interval); one success → `active` again.
 * - Permanent redirects (301/308) move the polled URL only after the same target was seen on
 *   `polls` polls spanning at least `span` (a misconfigured server often "permanently"
 *   redirects for an hour); temporary ones (302/303/307) never do (RFC 9110 15.4).
 */
import type { RedirectHop } from '../fetch/fetch-feed.js';
import type { SourceError, SourceState } from '../model/source-state.js';

export interface PollFacts {
  now: Date;
  /** The URL this poll used (see pollUrl). */
  pollUrl: string;
  /** The source's URL in the config. */
  configUrl: string;
  ok: boolean;
  status: number | null;
  error: SourceError | null;
  redirects: RedirectHop[];
  /** Validators of a response that was read successfully; null keeps the stored ones. */
  validators: { etag: string | null; lastModified: string | null } | null;
  bodyHash: string | null;
  itemsAdded: number;
}

export interface TransitionSettings {
  maxFailures: number;
  redirectPolls: number;
  redirectSpan: number;
}

const DAY = 86_400_000;
const HISTORY = 20;

/** The state of a source never polled. */
export function initialSourceState(id: string): SourceState {
  return {
    id, state: 'active', configUrl: null, effectiveUrl: null, lastPollAt: null, lastStatus: null, lastError: null,
    consecutiveFailures: 0, firstFailureAt: null, pendingRedirect: null, redirectHistory: [],
    etag: null, lastModified: null, bodyHash: null, itemsSeen: 0, lastSuccessAt: null,
  };
}

/** The URL to poll: a persisted redirect target, unless the operator changed the URL since. */
export function pollUrl(configUrl: string, state: SourceState): string {
  return state.configUrl === configUrl && state.effectiveUrl ? state.effectiveUrl : configUrl;
}

/** The URL reached through the leading run of permanent redirects, or null. */
export function permanentTarget(redirects: RedirectHop[]): string | null {
  let target: string | null = null;
  for (const hop of redirects) {
    if (hop.status !== 301 && hop.status !== 308) break;
    target = hop.to;
  }
  return target;
}

type RedirectPart = Pick<SourceState, 'effectiveUrl' | 'pendingRedirect' | 'redirectHistory'>;

function redirectPart(previous: SourceState, facts: PollFacts, settings: TransitionSettings): RedirectPart {
  // A changed config URL starts over: no pending redirect carries over to the new URL.
  const pending = previous.configUrl === facts.configUrl ? previous.pendingRedirect : null;
  const kept = { effectiveUrl: facts.pollUrl, pendingRedirect: pending, redirectHistory: previous.redirectHistory };
  if (!facts.ok) return kept;
  const target = permanentTarget(facts.redirects);
  if (target === null || target === facts.pollUrl) return { ...kept, pendingRedirect: null };
  const same = target === pending?.target;
  const seen = same ? pending.seen + 1 : 1;
  const firstSeenAt = same ? pending.firstSeenAt : facts.now.toISOString();
  if (seen >= settings.redirectPolls && facts.now.getTime() - Date.parse(firstSeenAt) >= settings.redirectSpan) {
    const record = { from: facts.pollUrl, to: target, at: facts.now.toISOString() };
    return { effectiveUrl: target, pendingRedirect: null, redirectHistory: [...previous.redirectHistory, record].slice(-HISTORY) };
  }
  return { ...kept, pendingRedirect: { target, seen, firstSeenAt } };
}

function standingPart(previous: SourceState, facts: PollFacts, settings: TransitionSettings): Pick<SourceState, 'state' | 'consecutiveFailures' | 'firstFailureAt'> {
  if (facts.ok) return { state: 'active', consecutiveFailures: 0, firstFailureAt: null };
  const consecutiveFailures = previous.consecutiveFailures + 1;
  const firstFailureAt = previous.firstFailureAt ?? facts.now.toISOString();
  if (facts.status === 410) return { state: 'gone', consecutiveFailures, firstFailureAt };
  const span = facts.now.getTime() - Date.parse(firstFailureAt);
  const failing = previous.state === 'failing' || (consecutiveFailures >= settings.maxFailures && span >= DAY);
  return { state: failing ? 'failing' : 'active', consecutiveFailures, firstFailureAt };
}

export function nextSourceState(previous: SourceState, facts: PollFacts, settings: TransitionSettings): SourceState {
  return {
    ...previous,
    ...standingPart(previous, facts, settings),
    ...redirectPart(previous, facts, settings),
    ...(facts.validators ?? {}),
    configUrl: facts.configUrl,
    lastPollAt: facts.now.toISOString(),
    lastStatus: facts.status,
    lastError: facts.error,
    bodyHash: facts.bodyHash,
    itemsSeen: previous.itemsSeen + facts.itemsAdded,
    lastSuccessAt: facts.ok ? facts.now.toISOString() : previous.lastSuccessAt,
  };
}
