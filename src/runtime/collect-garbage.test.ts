import { describe, expect, it } from 'vitest';
import { HeapPacer } from './collect-garbage.js';

const MB = 1024 * 1024;

describe('HeapPacer', () => {
  it('collects when the heap passes the floor, then when it passes 1.5 × what stayed live', () => {
    let used = 100 * MB;
    const live = { value: 40 * MB };
    const pacer = new HeapPacer(128 * MB, () => used, () => (used = live.value));
    expect(pacer.check()).toBe(false);
    used = 130 * MB;
    expect(pacer.check()).toBe(true);
    expect(used).toBe(40 * MB);
    // 1.5 × 40 MB is below the floor: the floor stays the limit.
    used = 127 * MB;
    expect(pacer.check()).toBe(false);
    live.value = 100 * MB;
    used = 129 * MB;
    expect(pacer.check()).toBe(true);
    // Now 100 MB stay live: the next collection waits for 150 MB, not every poll.
    used = 149 * MB;
    expect(pacer.check()).toBe(false);
    used = 151 * MB;
    expect(pacer.check()).toBe(true);
    expect(pacer.collections).toBe(3);
  });
});
