/**
 * Stored articles (key families in keys.ts, the decisions in scripts/accept.lua): one accept
 * call per polled document, reading articles back for events and publishing, and their bodies
 * (the working set only).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { LONGER_FACTOR, LONGER_MARGIN } from '../dedupe/change-rule.js';
import { entryKeyHash, hashText } from '../dedupe/identity.js';
import { BANDS, SIMILARITY_THRESHOLD, HASHES } from '../dedupe/minhash.js';
import type { Article, ArticleSource } from '../model/article.js';
import type { EntryFields } from '../normalize/normalize-entry.js';
import type { PreparedEntry } from '../pipeline/prepare-entry.js';
import type { StoreKeys } from './keys.js';
import { StorePart } from './store-part.js';
import { acceptEntryArgs, metaField } from './layouts.js';


export type AcceptDecision = 'created' | 'merged' | 'updated' | 'known';

export interface AcceptResult {
  decision: AcceptDecision;
  articleId: string;
  /** The version an event is due for; 0 when none is (known, or a coalesced merge). */
  version: number;
  /** The source that delivered the story first. */
  firstSource: string;
  /** With an event: the story's provenance. */
  sources: ArticleSource[];
  /** For a merge with an event: the story's stored text (its canonical copy). */
  storedFields: EntryFields | null;
}

export interface StoredArticle {
  article: Article;
  version: number;
  /** The source whose copy supplies the title, text and URL. */
  canonicalSourceId: string;
  /** Sources that delivered the story, also past the first 50 `article.sources` lists. */
  sourceCount: number;
}

export interface AcceptSettings {
  /** How far back near-duplicates are looked for (dedupe.window). */
  windowMs: number;
}

/** An entry of the document just polled: its key hash and raw fingerprint (the source's listing). */
export interface ListedEntry {
  ekh: string;
  rawFp: string;
}

/** Sources kept per article; the rest are only counted. */
export const MAX_PROVENANCE = 50;
/** Merges that make a version each; later ones are coalesced into one update. */
export const EVENT_MERGES = 3;

export { entryKeyHash };

function storyHash(storyKey: string): string {
  return hashText(storyKey, 16);
}

/** `j` + JSON while the body waits for its event; `z` + deflated JSON once it is kept for a window. */
export function encodeBody(fields: EntryFields): string {
  return `j${JSON.stringify(fields)}`;
}

export function compressBody(stored: Buffer): Buffer {
  return stored[0] === 0x7a ? stored : Buffer.concat([Buffer.from('z'), deflateRawSync(stored.subarray(1))]);
}

export function decodeBody(stored: Buffer): EntryFields {
  const json = stored[0] === 0x7a ? inflateRawSync(stored.subarray(1)) : stored.subarray(1);
  return JSON.parse(json.toString('utf8')) as EntryFields;
}

type ProvenanceRecord = [sourceId: string, url: string, seenAt: string, ekh: string];

/** The article meta accept.lua keeps (a JSON array laid out by META, layouts.ts). */
export interface ArticleMeta {
  version: number;
  firstSource: string;
  canonical: string;
  score: number;
  pending: number;
  sourceCount: number;
  sources: ArticleSource[];
}

function provenance(records: unknown): ArticleSource[] {
  const list = Array.isArray(records) ? (records as ProvenanceRecord[]) : [];
  return list
    .map(([sourceId, url, seenAt]) => ({ sourceId: String(sourceId), url: typeof url === 'string' && url !== '' ? url : null, seenAt: String(seenAt) }))
    .sort((a, b) => a.seenAt.localeCompare(b.seenAt) || a.sourceId.localeCompare(b.sourceId));
}

export function parseMeta(json: string): ArticleMeta {
  const value = JSON.parse(json) as unknown[];
  return {
    version: Number(metaField(value, 'version')),
    firstSource: String(metaField(value, 'firstSource')),
    canonical: String(metaField(value, 'canonical')),
    score: Number(metaField(value, 'score')),
    pending: Number(metaField(value, 'pending')),
    sourceCount: Number(metaField(value, 'sourceCount')),
    sources: provenance(metaField(value, 'provenance')),
  };
}

function signatureBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/** KEYS and ARGV of one accept call; LSH bucket keys are shared by index. */
function acceptCall(keys: StoreKeys, sourceId: string, listing: ListedEntry[], entries: PreparedEntry[], settings: AcceptSettings, now: Date) {
  const fixed = [keys.articleMeta, keys.body, keys.seen(sourceId), keys.listing(sourceId), keys.stories, keys.sig, keys.articlesByTime, keys.unlisted, keys.outbox, keys.coalesce, keys.acceptSequence];
  const bucketIndex = new Map<string, number>();
  const args: Array<string | number | Buffer> = [
    sourceId, now.getTime(), now.toISOString(), settings.windowMs, Math.ceil(SIMILARITY_THRESHOLD * HASHES), LONGER_FACTOR, LONGER_MARGIN, MAX_PROVENANCE, EVENT_MERGES,
    listing.length, ...listing.flatMap((entry) => [entry.ekh, entry.rawFp]),
  ];
  for (const entry of entries) {
    const { id: _id, sourceId: _source, sources: _sources, ...fields } = entry.article;
    const bands = entry.fingerprint?.bands ?? [];
    const indexes = bands.map((band, index) => {
      const key = keys.lshBucket(index, band.slice(0, LSH_PREFIX));
      if (!bucketIndex.has(key)) bucketIndex.set(key, fixed.length + bucketIndex.size + 1);
      return bucketIndex.get(key) as number;
    });
    args.push(...acceptEntryArgs({
      ekh: entryKeyHash(entry.entryKey),
      story1: entry.storyKeys[0] ? storyHash(entry.storyKeys[0]) : '',
      story2: entry.storyKeys[1] ? storyHash(entry.storyKeys[1]) : '',
      id: entry.id,
      altId: entry.altId,
      body: encodeBody(fields),
      score: sortKey(entry.article, now),
      url: entry.article.url ?? '',
      changeFp: entry.changeFp,
      textLength: entry.textLength,
      sig: entry.fingerprint ? signatureBytes(entry.fingerprint.signature) : '',
      lshKeys: indexes.join(','),
      lshSuffixes: bands.map((band) => band.slice(LSH_PREFIX)).join(','),
    }));
  }
  return { keys: [...fixed, ...bucketIndex.keys()], args };
}

function sortKey(article: Article, now: Date): number {
  const published = article.publishedAt ? Date.parse(article.publishedAt) : Number.NaN;
  return Number.isFinite(published) ? published : now.getTime();
}

function parseExtra(extra: Buffer): Pick<AcceptResult, 'sources' | 'storedFields'> {
  if (extra.length === 0) return { sources: [], storedFields: null };
  const newline = extra.indexOf(0x0a);
  const body = extra.subarray(newline + 1);
  return { sources: provenance(JSON.parse(extra.subarray(0, newline).toString('utf8'))), storedFields: body.length > 0 ? decodeBody(body) : null };
}

export const LSH_BANDS = BANDS;
/**
 * Hex digits of a band hash that pick its bucket (4,096 buckets a band): a bucket holds few
 * records, so reading and appending to it costs Redis little.
 */
export const LSH_PREFIX = 3;

/** ArticleStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class ArticleStore extends StorePart {
  /**
   * Record a document's new and changed entries, and its listing (every entry's key hash and raw
   * fingerprint), in one script call.
   */
  async acceptEntries(sourceId: string, listing: ListedEntry[], entries: PreparedEntry[], settings: AcceptSettings, now: Date): Promise<AcceptResult[]> {
    const call = acceptCall(this.keys, sourceId, listing, entries, settings, now);
    const reply = (await this.scripts.runBuffer('accept', call.keys, call.args)) as Array<Buffer | number>;
    const results: AcceptResult[] = [];
    for (let index = 0; index < reply.length; index += 5) {
      results.push({
        decision: String(reply[index]) as AcceptDecision,
        articleId: String(reply[index + 1] ?? ''),
        version: Number(reply[index + 2] ?? 0),
        firstSource: String(reply[index + 3] ?? ''),
        ...parseExtra(reply[index + 4] as Buffer),
      });
  }
  return results;
  }

  /** The raw fingerprint the source's last document had for each entry key hash. */
  async readListing(sourceId: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.listing(sourceId))));
  }

  /** Load articles by id; those without a body (out of the working set) or gone are left out. */
  async readArticles(ids: string[]): Promise<StoredArticle[]> {
    if (ids.length === 0) return [];
    const [metas, bodies] = await Promise.all([this.redis.hmget(this.keys.articleMeta, ...ids), this.redis.hmgetBuffer(this.keys.body, ...ids)]);
    const out: StoredArticle[] = [];
    ids.forEach((id, index) => {
      const json = metas[index];
      const body = bodies[index];
      if (!json || !body) return;
      const meta = parseMeta(json);
      out.push({
        article: { id, sourceId: meta.firstSource, sources: meta.sources, ...decodeBody(body) },
        version: meta.version,
        canonicalSourceId: meta.canonical,
        sourceCount: meta.sourceCount,
      });
    });
    return out;
  }

  /** The meta of articles by id (with or without a body); gone ones are left out. */
  async readMetas(ids: string[]): Promise<Map<string, ArticleMeta>> {
    if (ids.length === 0) return new Map();
    const metas = await this.redis.hmget(this.keys.articleMeta, ...ids);
    return new Map(ids.flatMap((id, index) => {
      const json = metas[index];
      return json ? [[id, parseMeta(json)] as const] : [];
    }));
  }

  /** Raw bodies by id (null where there is none), for the publish window. */
  async readBodies(ids: string[]): Promise<Array<Buffer | null>> {
    return ids.length === 0 ? [] : this.redis.hmgetBuffer(this.keys.body, ...ids);
  }

  /** A page of article ids, newest first by publish (else first-seen) time, no older than `minTime`. */
  async articlePage(offset: number, count: number, minTime: number): Promise<string[]> {
    return this.redis.zrevrangebyscore(this.keys.articlesByTime, '+inf', minTime, 'LIMIT', offset, count);
  }
}
