import { describe, expect, it } from 'vitest';
import { nextStanding, permanentTarget, type Standing } from './source-transition.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-11-26T00:00:00Z');
const settings = { maxFailures: 3, redirectPolls: 3, redirectSpan: 24 * HOUR };
const fresh: Standing = {
  state: 'active', pollUrl: 'http://a.example/feed', consecutiveFailures: 0, firstFailureAt: null,
  redirectTarget: null, redirectSeen: 0, redirectFirstSeenAt: null, redirectHistory: [],
};
const hop = (status: number, to = 'http://b.example/feed') => ({ from: 'http://a.example/feed', to, status });
const at = (hours: number) => new Date(t0 + hours * HOUR);

describe('permanentTarget', () => {
  it.each([
    [[hop(301)], 'http://b.example/feed'],
    [[hop(308)], 'http://b.example/feed'],
    [[hop(302)], null],
    [[hop(307)], null],
    [[hop(301, 'http://b/'), hop(302, 'http://c/')], 'http://b/'],
    [[hop(302, 'http://b/'), hop(301, 'http://c/')], null],
    [[], null],
  ])('%j → %j', (hops, target) => {
    expect(permanentTarget(hops)).toBe(target);
  });
});

describe('nextStanding', () => {
  it('moves the URL after 3 permanent redirects spanning 24 h, and records the history', () => {
    let standing = fresh;
    for (const hours of [0, 12, 23]) standing = nextStanding(standing, { now: at(hours), ok: true, status: 200, redirects: [hop(301)] }, settings);
    expect(standing.pollUrl).toBe('http://a.example/feed'); // 3 polls, but only 23 h
    standing = nextStanding(standing, { now: at(24), ok: true, status: 200, redirects: [hop(301)] }, settings);
    expect(standing.pollUrl).toBe('http://b.example/feed');
    expect(standing.redirectHistory).toEqual([{ from: 'http://a.example/feed', to: 'http://b.example/feed', at: at(24).toISOString() }]);
  });

  it('never moves the URL for temporary redirects, and resets when the redirect stops', () => {
    let standing = fresh;
    for (let hours = 0; hours < 100; hours += 10) standing = nextStanding(standing, { now: at(hours), ok: true, status: 200, redirects: [hop(302)] }, settings);
    expect(standing.pollUrl).toBe(fresh.pollUrl);
    standing = nextStanding(fresh, { now: at(0), ok: true, status: 200, redirects: [hop(301)] }, settings);
    standing = nextStanding(standing, { now: at(30), ok: true, status: 200, redirects: [] }, settings);
    expect(standing.redirectSeen).toBe(0);
  });

  it('410 Gone → gone', () => {
    expect(nextStanding(fresh, { now: at(0), ok: false, status: 410, redirects: [] }, settings).state).toBe('gone');
  });

  it('becomes failing only after maxFailures spanning at least a day, and recovers on success', () => {
    let standing = fresh;
    for (const hours of [0, 1, 2, 3]) standing = nextStanding(standing, { now: at(hours), ok: false, status: 500, redirects: [] }, settings);
    expect(standing).toMatchObject({ state: 'active', consecutiveFailures: 4 });
    standing = nextStanding(standing, { now: at(25), ok: false, status: 500, redirects: [] }, settings);
    expect(standing).toMatchObject({ state: 'failing', consecutiveFailures: 5, firstFailureAt: at(0).toISOString() });
    standing = nextStanding(standing, { now: at(26), ok: true, status: 200, redirects: [] }, settings);
    expect(standing).toMatchObject({ state: 'active', consecutiveFailures: 0, firstFailureAt: null });
  });
});
