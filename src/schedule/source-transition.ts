/**
 * How a poll changes a source's standing. Pure.
 *
 * - 410 Gone → `gone`: not polled again until an operator re-enables it (`feedagg refresh`).
 * - Failures count up; after `maxFailures` in a row spanning at least a day → `failing`
 *   (polled only at the maximum interval); one success → `active` again.
 * - Permanent redirects (301/308) move the stored URL only after the same target was seen on
 *   `polls` polls spanning at least `span` (a misconfigured server often "permanently"
 *   redirects for an hour); temporary ones (302/303/307) never do (RFC 9110 15.4).
 */
import type { RedirectHop } from '../fetch/fetch-feed.js';
import type { SourceStatus } from '../model/source-state.js';

export interface RedirectRecord {
  from: string;
  to: string;
  at: string;
}

export interface Standing {
  state: SourceStatus;
  /** The URL polled: the configured one, or where a persisted permanent redirect leads. */
  pollUrl: string;
  consecutiveFailures: number;
  firstFailureAt: string | null;
  redirectTarget: string | null;
  redirectSeen: number;
  redirectFirstSeenAt: string | null;
  redirectHistory: RedirectRecord[];
}

export interface PollFacts {
  now: Date;
  ok: boolean;
  status: number | null;
  redirects: RedirectHop[];
}

export interface StandingSettings {
  maxFailures: number;
  redirectPolls: number;
  redirectSpan: number;
}

const DAY = 86_400_000;
const HISTORY = 20;

/** The URL reached through the leading run of permanent redirects, or null. */
export function permanentTarget(redirects: RedirectHop[]): string | null {
  let target: string | null = null;
  for (const hop of redirects) {
    if (hop.status !== 301 && hop.status !== 308) break;
    target = hop.to;
  }
  return target;
}

function withRedirect(previous: Standing, facts: PollFacts, settings: StandingSettings): Standing {
  const target = facts.ok ? permanentTarget(facts.redirects) : previous.redirectTarget;
  if (!facts.ok) return previous;
  if (target === null || target === previous.pollUrl) {
    return { ...previous, redirectTarget: null, redirectSeen: 0, redirectFirstSeenAt: null };
  }
  const same = target === previous.redirectTarget;
  const seen = same ? previous.redirectSeen + 1 : 1;
  const firstSeenAt = same && previous.redirectFirstSeenAt ? previous.redirectFirstSeenAt : facts.now.toISOString();
  if (seen >= settings.redirectPolls && facts.now.getTime() - Date.parse(firstSeenAt) >= settings.redirectSpan) {
    const record = { from: previous.pollUrl, to: target, at: facts.now.toISOString() };
    return { ...previous, pollUrl: target, redirectTarget: null, redirectSeen: 0, redirectFirstSeenAt: null, redirectHistory: [...previous.redirectHistory, record].slice(-HISTORY) };
  }
  return { ...previous, redirectTarget: target, redirectSeen: seen, redirectFirstSeenAt: firstSeenAt };
}

export function nextStanding(previous: Standing, facts: PollFacts, settings: StandingSettings): Standing {
  const standing = withRedirect(previous, facts, settings);
  if (facts.ok) return { ...standing, state: 'active', consecutiveFailures: 0, firstFailureAt: null };
  if (facts.status === 410) return { ...standing, state: 'gone', consecutiveFailures: previous.consecutiveFailures + 1, firstFailureAt: previous.firstFailureAt ?? facts.now.toISOString() };
  const failures = previous.consecutiveFailures + 1;
  const firstFailureAt = previous.firstFailureAt ?? facts.now.toISOString();
  const span = facts.now.getTime() - Date.parse(firstFailureAt);
  const failing = previous.state === 'failing' || (failures >= settings.maxFailures && span >= DAY);
  return { ...standing, state: failing ? 'failing' : 'active', consecutiveFailures: failures, firstFailureAt };
}
