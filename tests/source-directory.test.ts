/** Issue 12: the sources `start` publishes are what every worker sees, without a copy of the config. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SourceConfig } from '../config/schema.js';
import { SourceDirectory } from '../src/runtime/source-directory.js';
import { storeKeys } from '../src/store/keys.js';
import { FinishQueue } from '../src/store/poll-store.js';
import { decodeSourceState } from '../src/store/source-state-store.js';
import { deletePrefix } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const prefix = `test-${randomUUID().slice(0, 8)}`;
let redis: Redis;

const source = (id: string, url = `http://feeds.example/${id}.xml`): SourceConfig => ({ id, url, tags: [], enabled: true, headers: {}, allowPrivateNetworks: false, include: [], exclude: [] });

beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await deletePrefix(redisUrl, prefix);
});

describe('SourceDirectory', () => {
  it('a worker with no sources of its own learns those start publishes, and their changes', async () => {
    const keys = storeKeys(prefix);
    const start = new SourceDirectory(new Store(redis, keys), [source('a')]);
    const worker = new SourceDirectory(new Store(redis, keys), []);
    await start.publish([source('a'), { ...source('b'), interval: 60_000, headers: { Authorization: 'Bearer x' } }]);
    expect(await worker.lookup('b')).toEqual({ ...source('b'), interval: 60_000, headers: { Authorization: 'Bearer x' } });
    expect(worker.size).toBe(2);

    // A changed URL and a removed source reach the worker at its next check (forced here).
    await start.publish([source('a', 'http://feeds.example/moved.xml')]);
    await worker.refresh(Date.now(), true);
    expect(worker.get('a')?.url).toBe('http://feeds.example/moved.xml');
    expect(worker.get('b')).toBeUndefined();
    // An unknown id makes the worker look at once, not after its 2 s check interval.
    await start.publish([source('a', 'http://feeds.example/moved.xml'), source('c')]);
    expect((await worker.lookup('c'))?.id).toBe('c');
    expect(await worker.lookup('nope')).toBeUndefined();
  });

  it('marks a redefined source so a poll that ran on the old definition is followed by one at once', async () => {
    const keys = storeKeys(`${prefix}-r`);
    const start = new SourceDirectory(new Store(redis, keys), [source('a'), source('b')]);
    expect(await start.publish([source('a'), source('b')])).toEqual([]);
    const used = start.currentVersion ?? 0;
    expect(await start.publish([source('a', 'http://feeds.example/moved.xml'), source('b')])).toEqual(['a']);
    const later = Date.now() + 3_600_000;
    await redis.zadd(keys.schedule, later, 'a', later, 'b');
    const state = (id: string) => ({ ...decodeSourceState(id, {}), lastPollAt: new Date().toISOString() });
    const ends = new FinishQueue(new Store(redis, keys), 'test-owner', () => []);
    const finish = (id: string, version: number) => ends.finish({ id, previous: decodeSourceState(id, {}), state: state(id), next: later, definitionsVersion: version, record: { at: new Date().toISOString(), result: 'ok', status: 200, created: 0, ms: 1, waitMs: 0 } });
    // Both polls ran on the old definitions: only the redefined source is due again now.
    await finish('a', used);
    await finish('b', used);
    expect(Number(await redis.zscore(keys.schedule, 'a'))).toBeLessThanOrEqual(Date.now());
    expect(Number(await redis.zscore(keys.schedule, 'b'))).toBe(later);
    // A poll on the new definition keeps the time it earned.
    await finish('a', start.currentVersion ?? 0);
    expect(Number(await redis.zscore(keys.schedule, 'a'))).toBe(later);
    await deletePrefix(redisUrl, `${prefix}-r`);
  });
});
