/** The accept script is atomic: concurrent workers never both create one story. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptDocument, prepare } from './helpers/accept.js';
import type { EntryFields } from '../src/normalize/normalize-entry.js';
import { storeKeys } from '../src/store/keys.js';
import { deletePrefix } from './helpers/workspace.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const prefix = `test-accept-${process.pid}`;
const keys = storeKeys(prefix);
const now = new Date('2026-11-26T10:00:00Z');
const DAY = 86_400_000;
let clients: Redis[] = [];

beforeAll(() => {
  clients = Array.from({ length: 4 }, () => new Redis(redisUrl));
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await deletePrefix(redisUrl, prefix);
});

function story(index: number, guid: string): EntryFields {
  return {
    guid, url: `http://news.example/story-${index}`, title: `Story ${index}`, summary: null, contentHtml: '<p>x</p>',
    authors: [], categories: [], publishedAt: '2026-11-26T09:00:00.000Z', updatedAt: null, enclosures: [], imageUrl: null, language: null,
  };
}

describe('acceptEntries', () => {
  it('creates each story once when four workers accept the same 50 entries at the same moment', async () => {
    const entries = prepare('wire', Array.from({ length: 50 }, (_, index) => story(index, `g${index}`)), now);
    // Four polls of one source that began together: each read the (empty) listing before any stored.
    const previous = await new Store(clients[0] as Redis, keys).articles.readListing('wire');
    const results = await Promise.all(clients.map((client) => acceptDocument(client, keys, 'wire', entries, now, { windowMs: DAY, previous })));
    const created = results.flat().filter((result) => result.decision === 'created');
    expect(created).toHaveLength(50);
    expect(results.flat().filter((result) => result.decision === 'known')).toHaveLength(150);
    expect(await clients[0]?.scard(keys.outbox)).toBe(50);
  });

  it('merges the same story URL from other sources concurrently: one article, every source in provenance', async () => {
    const sources = ['a', 'b', 'c', 'd'];
    const results = await Promise.all(sources.map((sourceId, index) => {
      const entries = prepare(sourceId, [story(999, `${sourceId}-guid`)], now);
      return acceptDocument(clients[index] as Redis, keys, sourceId, entries, now, { windowMs: DAY });
    }));
    const decisions = results.flat().map((result) => result.decision).sort();
    expect(decisions).toEqual(['created', 'merged', 'merged', 'merged']);
    const ids = new Set(results.flat().map((result) => result.articleId));
    expect(ids.size).toBe(1);
    const [stored] = await new Store(clients[0] as Redis, keys).articles.readArticles([...ids]);
    expect(stored?.article.sources.map((source) => source.sourceId).sort()).toEqual(sources);
  });
});
