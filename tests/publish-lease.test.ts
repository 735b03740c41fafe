/** One publisher at a time (issue 16): publishes take turns under a lease in Redis; a holder that never ends is waited for only so long. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withPublishLease } from '../src/publish/publish-lease.js';
import { storeKeys } from '../src/store/keys.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const keys = storeKeys(`lease-${process.pid}-${Date.now()}`);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  await redis.del(keys.publishLease);
  redis.disconnect();
});

describe('the publish lease', () => {
  it('lets publishes take turns: never two at once', async () => {
    let running = 0;
    let most = 0;
    const publish = () => withPublishLease(new Store(redis, keys), async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running -= 1;
    });
    await Promise.all([publish(), publish(), publish()]);
    expect(most).toBe(1);
    expect(await redis.exists(keys.publishLease)).toBe(0);
  });

  it('fails PUBLISH_BUSY, naming the holder, when another holds it too long; gives it back after an error', async () => {
    await redis.set(keys.publishLease, 'pid 4242 00000000-0000-0000-0000-000000000000', 'PX', 5_000);
    await expect(withPublishLease(new Store(redis, keys), async () => 1, { waitMs: 300 })).rejects.toMatchObject({ code: 'PUBLISH_BUSY', message: expect.stringContaining('pid 4242') });
    await redis.del(keys.publishLease);
    await expect(withPublishLease(new Store(redis, keys), async () => { throw new Error('build failed'); })).rejects.toThrow('build failed');
    expect(await redis.exists(keys.publishLease)).toBe(0);
  });
});
