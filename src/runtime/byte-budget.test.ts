import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ByteBudget', () => {
  it('runs work up to its capacity at once, the rest in arrival order', async () => {
    const budget = new ByteBudget(10);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const job = (id: number, bytes: number) => budget.run(bytes, async () => {
      running += bytes;
      peak = Math.max(peak, running);
      order.push(id);
      await tick();
      running -= bytes;
    });
    await Promise.all([job(1, 6), job(2, 6), job(3, 2), job(4, 4)]);
    expect(peak).toBeLessThanOrEqual(10);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('lets a job larger than the capacity run alone rather than never', async () => {
    const budget = new ByteBudget(10);
    expect(await budget.run(50, async () => 'done')).toBe('done');
  });

  it('frees the bytes when the work fails', async () => {
    const budget = new ByteBudget(10);
    await expect(budget.run(10, () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    expect(await budget.run(10, async () => 'next')).toBe('next');
  });

  it('says when the documents waiting for it are down to a limit (a poll waits for that before it fetches)', async () => {
    const budget = new ByteBudget(10);
    const release: Array<() => void> = [];
    const hold = (bytes: number) => budget.run(bytes, () => new Promise<void>((resolve) => release.push(resolve)));
    const running = [hold(10), hold(30), hold(20)];
    let roomy = false;
    const room = budget.room(25).then(() => (roomy = true));
    await tick();
    // 30 + 20 bytes wait behind the first: no room under 25.
    expect(roomy).toBe(false);
    release.shift()?.();
    await tick();
    // The 30-byte one runs now; 20 wait.
    expect(roomy).toBe(true);
    await room;
    expect(await budget.room(100).then(() => 'at once')).toBe('at once');
    while (release.length > 0 || running.length > 0) {
      release.shift()?.();
      await tick();
      if (release.length === 0) break;
    }
    release.forEach((go) => go());
    await Promise.all(running);
  });
});
