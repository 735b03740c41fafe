import { describe, expect, it } from 'vitest';
import { initialSourceState } from '../schedule/source-transition.js';
import { sourceHealth } from './source-health.js';

const polled = { ...initialSourceState('a'), lastPollAt: '2026-12-01T00:00:00Z' };

describe('sourceHealth (issue 16, defect 7: a failed poll showed "active")', () => {
  it('is failing from the first failed poll, not only once backed off', () => {
    expect(sourceHealth(true, { ...polled, consecutiveFailures: 1, lastError: { code: 'HTTP_STATUS', message: 'HTTP 500' } }, null)).toBe('failing');
    expect(sourceHealth(true, { ...polled, state: 'failing', consecutiveFailures: 12 }, null)).toBe('failing');
  });
  it('says held while its host is under a Retry-After, retired when gone, disabled when off, new before its first poll', () => {
    expect(sourceHealth(true, polled, Date.now() + 60_000)).toBe('held');
    expect(sourceHealth(true, { ...polled, state: 'gone' }, null)).toBe('retired');
    expect(sourceHealth(false, polled, null)).toBe('disabled');
    expect(sourceHealth(true, initialSourceState('a'), null)).toBe('new');
    expect(sourceHealth(true, undefined, null)).toBe('new');
    expect(sourceHealth(true, polled, null)).toBe('ok');
    // Issue 17: while its batch is queued or running.
    expect(sourceHealth(true, { ...polled, consecutiveFailures: 2 }, null, true)).toBe('polling');
    expect(sourceHealth(false, polled, null, true)).toBe('disabled');
  });
});
