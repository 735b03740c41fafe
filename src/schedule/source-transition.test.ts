import { describe, expect, it } from 'vitest';
import type { SourceState } from '../model/source-state.js';
import { initialSourceState, nextSourceState, permanentTarget, pollUrl, type PollFacts } from './source-transition.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-11-26T00:00:00Z');
const settings = { maxFailures: 3, redirectPolls: 3, redirectSpan: 24 * HOUR };
const CONFIG_URL = 'http://a.example/feed';
const fresh: SourceState = initialSourceState('a');
const hop = (status: number, to = 'http://b.example/feed') => ({ from: CONFIG_URL, to, status });
const at = (hours: number) => new Date(t0 + hours * HOUR);

function facts(hours: number, overrides: Partial<PollFacts> = {}): PollFacts {
  return { now: at(hours), pollUrl: CONFIG_URL, configUrl: CONFIG_URL, ok: true, status: 200, error: null, redirects: [], validators: null, bodyHash: null, itemsAdded: 0, ...overrides };
}

/** Poll again and again, each poll using the URL the state says. */
function pollAt(state: SourceState, hours: number, overrides: Partial<PollFacts> = {}): SourceState {
  return nextSourceState(state, facts(hours, { pollUrl: pollUrl(CONFIG_URL, state), ...overrides }), settings);
}

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

describe('nextSourceState', () => {
  it('moves the URL after 3 permanent redirects spanning 24 h, and records the history', () => {
    let state = fresh;
    for (const hours of [0, 12, 23]) state = pollAt(state, hours, { redirects: [hop(301)] });
    expect(pollUrl(CONFIG_URL, state)).toBe(CONFIG_URL); // 3 polls, but only 23 h
    state = pollAt(state, 24, { redirects: [hop(301)] });
    expect(pollUrl(CONFIG_URL, state)).toBe('http://b.example/feed');
    expect(state.redirectHistory).toEqual([{ from: CONFIG_URL, to: 'http://b.example/feed', at: at(24).toISOString() }]);
    // A new URL in the config starts over.
    expect(pollUrl('http://c.example/feed', state)).toBe('http://c.example/feed');
  });

  it('never moves the URL for temporary redirects, and resets when the redirect stops', () => {
    let state = fresh;
    for (let hours = 0; hours < 100; hours += 10) state = pollAt(state, hours, { redirects: [hop(302)] });
    expect(pollUrl(CONFIG_URL, state)).toBe(CONFIG_URL);
    state = pollAt(fresh, 0, { redirects: [hop(301)] });
    expect(state.pendingRedirect).toMatchObject({ target: 'http://b.example/feed', seen: 1 });
    state = pollAt(state, 30);
    expect(state.pendingRedirect).toBeNull();
  });

  it('410 Gone → gone', () => {
    expect(pollAt(fresh, 0, { ok: false, status: 410 }).state).toBe('gone');
  });

  it('becomes failing only after maxFailures spanning at least a day, and recovers on success', () => {
    let state = fresh;
    const error = { code: 'HTTP_STATUS', message: 'HTTP 500' };
    for (const hours of [0, 1, 2, 3]) state = pollAt(state, hours, { ok: false, status: 500, error });
    expect(state).toMatchObject({ state: 'active', consecutiveFailures: 4, lastError: error });
    state = pollAt(state, 25, { ok: false, status: 500, error });
    expect(state).toMatchObject({ state: 'failing', consecutiveFailures: 5, firstFailureAt: at(0).toISOString() });
    state = pollAt(state, 26);
    expect(state).toMatchObject({ state: 'active', consecutiveFailures: 0, firstFailureAt: null, lastError: null, lastStatus: 200 });
  });

  it('keeps validators unless a read response brings new ones, and counts items', () => {
    let state = pollAt(fresh, 0, { validators: { etag: '"1"', lastModified: 'x' }, bodyHash: 'h1', itemsAdded: 3 });
    state = pollAt(state, 1, { ok: false, status: 500, error: { code: 'PARSE', message: 'bad' }, bodyHash: 'h1' });
    expect(state).toMatchObject({ etag: '"1"', lastModified: 'x', bodyHash: 'h1', itemsSeen: 3, lastPollAt: at(1).toISOString() });
  });
});
