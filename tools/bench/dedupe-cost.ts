/**
 * Dedupe at scale on a private redis-server: store 100k articles from 50 sources, then measure
 * the decision cost for new articles, near-duplicate copies and known entries (µs per
 * article, script calls per article) and Redis memory per 100k stored articles.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { identify, identityOf } from '../../src/dedupe/identity.js';
import { htmlToText } from '../../src/normalize/html-to-text.js';
import type { EntryFields } from '../../src/normalize/normalize-entry.js';
import { prepareFields, type PreparedEntry } from '../../src/pipeline/prepare-entry.js';
import { startEmbeddedRedis } from '../../src/redis/embedded-redis.js';
import { entryKeyHash } from '../../src/store/article-store.js';
import { bytesOf } from './farm/redis-footprint.js';
import { seededRandom } from './seeded-random.js';
import { storeKeys } from '../../src/store/keys.js';
import { Store } from '../../src/store/store.js';

const VOCABULARY = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}`);
const HOUR = 3_600_000;
const SETTINGS = { windowMs: 72 * HOUR };

/** Entries as a poll prepares them (identity, fields, fingerprints). */
function identifyEntries(sourceId: string, fields: EntryFields[], now: Date): PreparedEntry[] {
  const identities = identify(sourceId, fields.map(identityOf));
  return fields.map((entry, index) => prepareFields(identities[index] as PreparedEntry, entry, htmlToText(entry.contentHtml ?? ''), sourceId, now));
}

function entry(index: number, next: () => number, words = 120): EntryFields {
  const text = Array.from({ length: words }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ');
  return {
    guid: `guid-${index}`, url: `https://site${index % 50}.example/story/${index}`, title: `Story ${index}`, summary: null,
    contentHtml: `<p>${text}</p>`, authors: [], categories: [], publishedAt: new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString(),
    updatedAt: null, enclosures: [], imageUrl: null, language: 'en',
  };
}

async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[2]), 0);
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
}

/** Accept entries as documents of DOCUMENT entries each (source `<sourceId>-<n>` for the n-th). */
const DOCUMENT = 100;

async function timeAccept(redis: Redis, prefix: string, sourceId: string, entries: PreparedEntry[], now: Date): Promise<{ microsPerArticle: number; callsPerArticle: number; decisions: Record<string, number> }> {
  const keys = storeKeys(prefix);
  const before = await commandCalls(redis);
  const started = process.hrtime.bigint();
  const decisions: Record<string, number> = {};
  for (let start = 0; start < entries.length; start += DOCUMENT) {
    const document = entries.slice(start, start + DOCUMENT);
    const results = await new Store(redis, keys).articles.acceptEntries(`${sourceId}-${start / DOCUMENT}`, listingOf(document), document, SETTINGS, now);
    for (const result of results) decisions[result.decision] = (decisions[result.decision] ?? 0) + 1;
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  const calls = (await commandCalls(redis)) - before;
  return { microsPerArticle: micros / entries.length, callsPerArticle: calls / entries.length, decisions };
}

function listingOf(entries: PreparedEntry[]) {
  return entries.map((entry) => ({ ekh: entryKeyHash(entry.entryKey), rawFp: entry.rawFp }));
}

/** MEMORY USAGE of each key family (see store/keys.ts), per stored article. */
async function memoryBreakdown(redis: Redis, prefix: string, articles: number): Promise<Record<string, number>> {
  const families: Record<string, string> = {
    'meta (art)': `${prefix}:store:art`,
    'body (until a publish trims it)': `${prefix}:store:body`,
    signature: `${prefix}:store:sig`,
    'LSH buckets': `${prefix}:store:lsh:*`,
    'seen entries': `${prefix}:store:seen:*`,
    listings: `${prefix}:store:listing:*`,
    'story keys': `${prefix}:store:stories`,
    'time index': `${prefix}:store:articles`,
  };
  const out: Record<string, number> = {};
  for (const [family, pattern] of Object.entries(families)) out[family] = Math.round((await bytesOf(redis, pattern)) / articles);
  return out;
}

export async function benchDedupe(total = 100_000): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'feedagg-bench-'));
  const server = await startEmbeddedRedis(dir);
  const redis = new Redis(server.url);
  const prefix = 'bench';
  const keys = storeKeys(prefix);
  const now = new Date(Date.UTC(2026, 10, 26));
  const next = seededRandom(42);
  try {
    const memoryBefore = await usedMemory(redis);
    let fingerprintMicros = 0;
    for (let start = 0; start < total; start += 1000) {
      const fields = Array.from({ length: 1000 }, (_, offset) => entry(start + offset, next));
      const sourceId = `source-${(start / 1000) % 50}`;
      const begun = process.hrtime.bigint();
      const entries = identifyEntries(sourceId, fields, now);
      fingerprintMicros += Number(process.hrtime.bigint() - begun) / 1000;
      await new Store(redis, keys).articles.acceptEntries(sourceId, listingOf(entries), entries, SETTINGS, now);
      if (process.stderr.isTTY) process.stderr.write(`\rstoring articles: ${start + 1000}/${total}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const memoryAfter = await usedMemory(redis);
    const fresh = identifyEntries('fresh', Array.from({ length: 2000 }, (_, index) => entry(total + index, next)), now);
    const newCost = await timeAccept(redis, prefix, 'fresh', fresh, now);
    const knownCost = await timeAccept(redis, prefix, 'fresh', fresh, now);
    // Copies of stored stories under other URLs: found through the LSH bands.
    const copyRandom = seededRandom(42);
    const originals = Array.from({ length: 2000 }, (_, index) => entry(index, copyRandom));
    const copies = identifyEntries('copier', originals.map((original, index) => ({ ...original, guid: `copy-${index}`, url: `https://copier.example/${index}`, title: `Copy ${index}` })), now);
    const copyCost = await timeAccept(redis, prefix, 'copier', copies, now);
    const single = await timeAccept(redis, prefix, 'single', identifyEntries('single', [entry(total + 5000, next)], now), now);
    const perHundredK = ((memoryAfter - memoryBefore) / total) * 100_000;
    const breakdown = await memoryBreakdown(redis, prefix, total);
    return [
      `dedupe at ${total.toLocaleString('en')} stored articles (50 sources, 120-word texts), private redis-server ${server.url}:`,
      `  identify + fingerprint in the worker: ${(fingerprintMicros / total).toFixed(1)} µs per article`,
      `  new articles:        ${newCost.microsPerArticle.toFixed(1)} µs per article, ${newCost.callsPerArticle.toFixed(3)} script calls per article (one call per document of ${DOCUMENT}) ${JSON.stringify(newCost.decisions)}`,
      `  known entries:       ${knownCost.microsPerArticle.toFixed(1)} µs per article, ${knownCost.callsPerArticle.toFixed(3)} script calls per article ${JSON.stringify(knownCost.decisions)}`,
      `  near-duplicate copies: ${copyCost.microsPerArticle.toFixed(1)} µs per article, ${copyCost.callsPerArticle.toFixed(3)} script calls per article ${JSON.stringify(copyCost.decisions)}`,
      `  a poll with one new entry: ${single.microsPerArticle.toFixed(0)} µs, ${single.callsPerArticle} script call (one round trip)`,
      `  Redis memory: ${(perHundredK / 1024 / 1024).toFixed(1)} MB per 100k articles (${Math.round((memoryAfter - memoryBefore) / total)} bytes per article)`,
      `    by key family (MEMORY USAGE, bytes per article): ${Object.entries(breakdown).map(([family, bytes]) => `${family} ${bytes}`).join(', ')}`,
    ];
  } finally {
    redis.disconnect();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
