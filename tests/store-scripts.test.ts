/**
 * The store's Lua scripts themselves, on a real Redis: the accept script's near-duplicate
 * threshold and "substantially longer" rule (fed crafted signatures and lengths), coalesced
 * merges, the provenance cap, listings and retention, the window sweep, body trimming and the
 * scheduler's claim. There is no TypeScript copy of this logic: these tests are its spec.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { LONGER_FACTOR, LONGER_MARGIN } from '../src/dedupe/change-rule.js';
import { HASHES } from '../src/dedupe/minhash.js';
import type { EntryFields } from '../src/normalize/normalize-entry.js';
import type { PreparedEntry } from '../src/pipeline/prepare-entry.js';
import { entryKeyHash, EVENT_MERGES, MAX_PROVENANCE, type AcceptResult } from '../src/store/article-store.js';
import { storeKeys, type StoreKeys } from '../src/store/keys.js';
import { HOUR, prepare } from './helpers/accept.js';
import { deletePrefix } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const DAY = 24 * HOUR;
const T0 = new Date('2026-11-26T10:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

let redis: Redis;
let keys: StoreKeys;
let store: Store;
let prefix: string;
let run = 0;

beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = `test-scripts-${process.pid}-${(run += 1)}`;
  keys = storeKeys(prefix);
  store = new Store(redis, keys);
});
afterEach(() => deletePrefix(redisUrl, prefix));

function fields(url: string, title = 'A story', guid: string | null = null): EntryFields {
  return {
    guid, url, title, summary: null, contentHtml: `<p>${title}</p>`,
    authors: [], categories: [], publishedAt: '2026-11-26T09:00:00.000Z', updatedAt: null, enclosures: [], imageUrl: null, language: null,
  };
}

/** 32 min-hashes of 8 hex digits: hash i is `base + i`, except where `differ` says. */
function signature(base: number, differ: (index: number) => boolean = () => false): string {
  return Array.from({ length: HASHES }, (_, index) => ((differ(index) ? 0x8000_0000 : 0) + base + index).toString(16).padStart(8, '0')).join('');
}

/** Eight band keys that both sides of a pair share: the pair is a candidate, the score decides. */
const SHARED_BANDS = Array.from({ length: 8 }, (_, band) => `abc${band}1234`);

function entry(sourceId: string, item: EntryFields, options: { signature?: string; bands?: string[]; textLength?: number; changeFp?: string } = {}, now = T0): PreparedEntry {
  const [prepared] = prepare(sourceId, [item], now);
  if (!prepared) throw new Error('nothing prepared');
  return {
    ...prepared,
    fingerprint: options.signature ? { signature: options.signature, bands: options.bands ?? SHARED_BANDS } : null,
    textLength: options.textLength ?? prepared.textLength,
    changeFp: options.changeFp ?? prepared.changeFp,
  };
}

/** One polled document: its entries are its listing, and all of them are accepted. */
async function poll(sourceId: string, entries: PreparedEntry[], now = T0, windowMs = 3 * DAY): Promise<AcceptResult[]> {
  const listing = entries.map((prepared) => ({ ekh: entryKeyHashOf(prepared), rawFp: prepared.changeFp }));
  return store.articles.acceptEntries(sourceId, listing, entries, { windowMs }, now);
}

/** A listing-only poll: the document lists `entries`, none of them new or changed. */
async function list(sourceId: string, entries: PreparedEntry[], now = T0): Promise<void> {
  const listing = entries.map((prepared) => ({ ekh: entryKeyHashOf(prepared), rawFp: prepared.changeFp }));
  await store.articles.acceptEntries(sourceId, listing, [], { windowMs: 3 * DAY }, now);
}

const entryKeyHashOf = (prepared: PreparedEntry) => entryKeyHash(prepared.entryKey);

async function meta(id: string) {
  const found = (await store.articles.readMetas([id])).get(id);
  if (!found) throw new Error(`no meta for ${id}`);
  return found;
}

describe('accept.lua: near-duplicates', () => {
  const threshold = Math.ceil(0.5 * HASHES);

  it(`merges a copy whose signature has ${threshold} of ${HASHES} min-hashes equal (the threshold), and not one with ${threshold - 1}`, async () => {
    const original = signature(0x1000);
    const [created] = await poll('wire', [entry('wire', fields('https://wire.example/a', 'Original', 'w-1'), { signature: original })]);
    expect(created?.decision).toBe('created');

    const atThreshold = signature(0x1000, (index) => index >= threshold);
    const [merged] = await poll('portal', [entry('portal', fields('https://portal.example/x', 'Retitled', 'p-1'), { signature: atThreshold })], at(1));
    expect(merged).toMatchObject({ decision: 'merged', articleId: created?.articleId, firstSource: 'wire' });

    const below = signature(0x1000, (index) => index >= threshold - 1);
    const [separate] = await poll('blog', [entry('blog', fields('https://blog.example/y', 'Commentary', 'b-1'), { signature: below })], at(2));
    expect(separate?.decision).toBe('created');
    expect(separate?.articleId).not.toBe(created?.articleId);
  });

  it('picks the most similar of several candidates', async () => {
    // 18 and 20 of 32 equal to the newcomer's; 6 equal to each other (two stories).
    const [far] = await poll('one', [entry('one', fields('https://one.example/a', 'One', 'o-1'), { signature: signature(0x2000, (index) => index < 14) })]);
    const [near] = await poll('two', [entry('two', fields('https://two.example/a', 'Two', 't-1'), { signature: signature(0x2000, (index) => index >= 20) })]);
    expect([far?.decision, near?.decision]).toEqual(['created', 'created']);
    const [merged] = await poll('three', [entry('three', fields('https://three.example/a', 'Three', 'h-1'), { signature: signature(0x2000) })], at(1));
    expect(merged).toMatchObject({ decision: 'merged', articleId: near?.articleId });
  });

  it('never merges two entries of one source, and forgets candidates older than the window', async () => {
    const sig = signature(0x3000);
    const [first] = await poll('wire', [entry('wire', fields('https://wire.example/1', 'First', 'w-1'), { signature: sig })]);
    const [again] = await poll('wire', [entry('wire', fields('https://wire.example/2', 'Second', 'w-2'), { signature: sig })], at(1));
    expect(again?.decision).toBe('created');
    expect(again?.articleId).not.toBe(first?.articleId);

    const [late] = await poll('late', [entry('late', fields('https://late.example/1', 'Late', 'l-1'), { signature: sig })], at(4 * 24), 3 * DAY);
    expect(late?.decision).toBe('created');
  });

  it('a candidate found only through a band it does not share is not a candidate', async () => {
    const sig = signature(0x4000);
    await poll('wire', [entry('wire', fields('https://wire.example/1', 'First', 'w-1'), { signature: sig })]);
    const otherBands = SHARED_BANDS.map((band) => `fff${band.slice(3)}`);
    const [result] = await poll('portal', [entry('portal', fields('https://portal.example/1', 'Copy', 'p-1'), { signature: sig, bands: otherBands })], at(1));
    expect(result?.decision).toBe('created');
  });
});

describe('accept.lua: the canonical text', () => {
  const url = 'https://news.example/story';

  it(`takes a merged copy's text only when it is ${LONGER_FACTOR}× and ${LONGER_MARGIN} characters longer`, async () => {
    const [created] = await poll('digest', [entry('digest', fields(url, 'Short'), { textLength: 400 })]);
    const id = created?.articleId ?? '';
    // 590 characters: 1.475×, not enough.
    const [notLonger] = await poll('blog', [entry('blog', fields(url, 'A bit longer'), { textLength: 590 })], at(1));
    expect(notLonger?.decision).toBe('merged');
    expect((await meta(id)).canonical).toBe('digest');
    expect(notLonger?.storedFields?.title).toBe('Short');
    // 700 characters: 1.75× but only 300 more: exactly at both limits.
    const [longer] = await poll('wire', [entry('wire', fields(url, 'The full story'), { textLength: 700 })], at(2));
    expect(longer?.decision).toBe('merged');
    expect((await meta(id)).canonical).toBe('wire');
    expect(longer?.storedFields?.title).toBe('The full story');
  });

  it('a known entry updates only the source that supplies the text, or a substantially longer copy', async () => {
    const [created] = await poll('wire', [entry('wire', fields(url, 'Wire'), { textLength: 1000 })]);
    await poll('digest', [entry('digest', fields(url, 'Digest'), { textLength: 200 })], at(1));
    const [digestEdit] = await poll('digest', [entry('digest', fields(url, 'Digest, edited'), { textLength: 210, changeFp: 'edited-digest' })], at(2));
    expect(digestEdit).toMatchObject({ decision: 'known', version: 0 });
    const [wireEdit] = await poll('wire', [entry('wire', fields(url, 'Wire, edited'), { textLength: 1010, changeFp: 'edited-wire' })], at(3));
    expect(wireEdit).toMatchObject({ decision: 'updated', articleId: created?.articleId });
    expect(wireEdit?.version).toBeGreaterThan(1);
    const [unchanged] = await poll('wire', [entry('wire', fields(url, 'Wire, edited'), { textLength: 1010, changeFp: 'edited-wire' })], at(4));
    expect(unchanged).toMatchObject({ decision: 'known', version: 0 });
  });
});

describe('accept.lua: merges, events and provenance', () => {
  const url = 'https://news.example/wire-story';

  it(`gives the first ${EVENT_MERGES} merges an event each and coalesces the later ones into one update`, async () => {
    const sources = ['s0', 's1', 's2', 's3', 's4', 's5'];
    const results: AcceptResult[] = [];
    for (const [index, sourceId] of sources.entries()) results.push(...(await poll(sourceId, [entry(sourceId, fields(url))], at(index))));
    const id = results[0]?.articleId ?? '';
    expect(results.map((result) => result.version)).toEqual([1, 2, 3, 4, 0, 0]);
    expect(await redis.sismember(keys.coalesce, id)).toBe(1);
    expect((await store.outbox.pendingEvents()).map((event) => event.member).sort()).toEqual([`${id}-v1`, `${id}-v2`, `${id}-v3`, `${id}-v4`]);

    expect(await store.outbox.coalesceMerges()).toEqual([`${id}-v5`]);
    expect(await redis.sismember(keys.coalesce, id)).toBe(0);
    const after = await meta(id);
    expect(after).toMatchObject({ version: 5, pending: 5, sourceCount: 6 });
    expect(after.sources.map((source) => source.sourceId)).toEqual(sources);
    // Nothing more to coalesce: a second flush queues nothing.
    expect(await store.outbox.coalesceMerges()).toEqual([]);
  });

  it('a coalesced merge of an article without a body queues no event and keeps its provenance', async () => {
    const [created] = await poll('s0', [entry('s0', fields(url))]);
    const id = created?.articleId ?? '';
    await store.outbox.releaseEvents([`${id}-v1`]);
    await store.workingSet.keepWindowBodies([], await store.workingSet.acceptSequence());
    expect(await store.articles.readBodies([id])).toEqual([null]);
    const [merged] = await poll('s1', [entry('s1', fields(url))], at(1));
    expect(merged).toMatchObject({ decision: 'merged', version: 0 });
    expect(await store.outbox.coalesceMerges()).toEqual([]);
    expect(await meta(id)).toMatchObject({ version: 1, pending: 0, sourceCount: 2 });
  });

  it(`keeps the first ${MAX_PROVENANCE} sources and counts the rest`, async () => {
    const count = MAX_PROVENANCE + 7;
    for (let index = 0; index < count; index += 1) await poll(`src${index}`, [entry(`src${index}`, fields(url))], new Date(T0.getTime() + index * 1000));
    const [first] = await poll('src0', [entry('src0', fields(url))]);
    const stored = await meta(first?.articleId ?? '');
    expect(stored.sourceCount).toBe(count);
    expect(stored.sources).toHaveLength(MAX_PROVENANCE);
    expect(stored.sources.map((source) => source.sourceId)).toEqual(Array.from({ length: MAX_PROVENANCE }, (_, index) => `src${index}`));
    expect(stored.version).toBe(1 + EVENT_MERGES);
  });

  it('release-events takes handed-over events out of the outbox and the pending count', async () => {
    const [created] = await poll('s0', [entry('s0', fields(url))]);
    const id = created?.articleId ?? '';
    expect(await store.outbox.countPending()).toBe(1);
    await store.outbox.releaseEvents([`${id}-v1`, `${id}-v1`]);
    expect(await store.outbox.countPending()).toBe(0);
    expect((await meta(id)).pending).toBe(0);
  });
});

describe('listings and retention', () => {
  it('counts the sources that list an article; one no source lists leaves after the retention, with its keys', async () => {
    const item = entry('a', fields('https://news.example/listed'));
    const other = entry('a', fields('https://news.example/other'));
    const [created] = await poll('a', [item, other]);
    const id = created?.articleId ?? '';
    await poll('b', [entry('b', fields('https://news.example/listed'))], at(1));
    expect(await redis.zscore(keys.unlisted, id)).toBeNull();

    await list('a', [other], at(2));
    expect(await redis.zscore(keys.unlisted, id)).toBeNull();
    await list('b', [], at(3));
    expect(Number(await redis.zscore(keys.unlisted, id))).toBe(at(3).getTime());

    // Listed again: it counts up and leaves the unlisted set.
    await list('b', [entry('b', fields('https://news.example/listed'))], at(4));
    expect(await redis.zscore(keys.unlisted, id)).toBeNull();
    await list('b', [], at(5));

    expect(await store.workingSet.sweepExpired(at(4).getTime())).toBe(0);
    expect(await store.workingSet.sweepExpired(at(5).getTime())).toBe(1);
    expect(await store.articles.readMetas([id])).toEqual(new Map());
    expect(await redis.hexists(keys.body, id)).toBe(0);
    expect(await redis.zscore(keys.articlesByTime, id)).toBeNull();
    expect(await redis.hlen(keys.seen('b'))).toBe(0);
    expect(await redis.hlen(keys.seen('a'))).toBe(1);
    expect(await redis.hvals(keys.stories)).not.toContain(id);

    // After the sweep the same story arrives as a new article.
    const [again] = await poll('b', [entry('b', fields('https://news.example/listed'))], at(6));
    expect(again?.decision).toBe('created');
  });

  it('keeps a listing of raw fingerprints that the next poll reads', async () => {
    const items = [entry('a', fields('https://news.example/1')), entry('a', fields('https://news.example/2'))];
    await poll('a', items);
    const listing = await redis.hgetall(keys.listing('a'));
    expect(Object.keys(listing).sort()).toEqual(items.map(entryKeyHashOf).sort());
    await list('a', [items[1] as PreparedEntry], at(1));
    expect(Object.keys(await redis.hgetall(keys.listing('a')))).toEqual([entryKeyHashOf(items[1] as PreparedEntry)]);
  });
});

describe('the dedupe window sweep', () => {
  it('drops LSH records and signatures older than the window and keeps newer ones', async () => {
    const [old] = await poll('a', [entry('a', fields('https://a.example/1', 'Old', 'a-1'), { signature: signature(0x5000) })]);
    const [recent] = await poll('b', [entry('b', fields('https://b.example/1', 'Recent', 'b-1'), { signature: signature(0x6000) })], at(30));
    const bucket = keys.lshBucket(0, SHARED_BANDS[0]?.slice(0, 3) ?? '');
    expect((await redis.strlen(bucket))).toBe(2 * 37);
    // The sweep walks every bucket a slice at a time: enough calls make a full pass.
    for (let call = 0; call < 40; call += 1) await store.workingSet.sweepWindow(8, at(24).getTime());
    expect(await redis.strlen(bucket)).toBe(37);
    expect(await redis.get(bucket)).toContain(recent?.articleId);
    expect(await redis.hexists(keys.sig, old?.articleId ?? '')).toBe(0);
    expect(await redis.hexists(keys.sig, recent?.articleId ?? '')).toBe(1);
    // The old article is still there (retention is another matter), only no longer a candidate.
    expect((await meta(old?.articleId ?? '')).version).toBe(1);
  });
});

describe('the working set', () => {
  it('keeps bodies of the published window and of pending events; trims the rest, but not what arrived after the publish began', async () => {
    const results = await poll('a', [1, 2, 3].map((index) => entry('a', fields(`https://a.example/${index}`))));
    const [shown, delivered, pending] = results.map((result) => result.articleId) as [string, string, string];
    await store.outbox.releaseEvents([`${shown}-v1`, `${delivered}-v1`]);
    const sequence = await store.workingSet.acceptSequence();
    const [late] = await poll('b', [entry('b', fields('https://b.example/late'))], at(1));
    await store.outbox.releaseEvents([`${late?.articleId}-v1`]);

    expect(await store.workingSet.keepWindowBodies([shown], sequence)).toBe(1);
    const bodies = await store.articles.readBodies([shown, delivered, pending, late?.articleId ?? '']);
    expect(bodies.map((body) => (body ? String.fromCharCode(body[0] ?? 0) : null))).toEqual(['z', null, 'j', 'j']);
    expect(await redis.smembers(keys.published)).toEqual([shown]);
    // The next publish judges the late article too.
    expect(await store.workingSet.keepWindowBodies([shown], await store.workingSet.acceptSequence())).toBe(1);
  });
});

describe('claim-due.lua', () => {
  it('claims due sources once: the next tick does not pick them again while the lease runs', async () => {
    const now = T0.getTime();
    await store.schedule.syncSchedule(['a', 'b', 'c'], now);
    await redis.zadd(keys.schedule, now + HOUR, 'c');
    expect((await store.schedule.claimDueSources(now, 5 * 60_000)).sort()).toEqual(['a', 'b']);
    expect(await store.schedule.claimDueSources(now + 1000, 5 * 60_000)).toEqual([]);
    expect((await store.schedule.claimDueSources(now + 5 * 60_000, 5 * 60_000)).sort()).toEqual(['a', 'b']);
    expect(await store.schedule.claimDueSources(now + HOUR, 5 * 60_000, 1)).toHaveLength(1);
  });
});

describe('scripts loaded through defineCommand', () => {
  it('run again after SCRIPT FLUSH (what a restarted Redis forgets): ioredis sends the source once more', async () => {
    expect(await store.hosts.holdHost('flush-a.example', Date.now() + 60_000)).toBe(true);
    await redis.script('FLUSH');
    expect(await store.hosts.holdHost('flush-b.example', Date.now() + 60_000)).toBe(true);
    await redis.script('FLUSH');
    const [result] = await poll('wire', [entry('wire', fields('http://flush.example/1'))]);
    expect(result?.decision).toBe('created');
  });
});
