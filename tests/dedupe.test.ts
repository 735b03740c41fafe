/**
 * One story, one article: the same story from an RSS original, an Atom digest linking it with
 * tracking parameters and a JSON Feed portal republishing it under a new headline becomes one
 * article with three sources; a different story on the topic and a commentary quoting one
 * paragraph stay separate. Real Redis, the real read path, the real accept script.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ArticleEvent, ArticleEventType } from '../src/model/article-event.js';
import { DEFAULT_LIMITS } from '../src/normalize/document-limits.js';
import { readDocument } from '../src/pipeline/read-document.js';
import { type AcceptResult } from '../src/store/article-store.js';
import { storeReading } from '../jobs/attempt-poll.js';
import { storeKeys, type StoreKeys } from '../src/store/keys.js';
import { harborTexts, harborVariants, ORIGINAL_URL, PORTAL_URL, STORIES_DIR as STORIES, storyFeeds, type StoryFeeds, type StoryTexts } from './helpers/story-feeds.js';
import { queuedEvents } from './helpers/article-queue.js';
import { deletePrefix } from './helpers/workspace.js';
import { acceptDocument, prepare } from './helpers/accept.js';
import { escapeUTF8 } from 'entities';
import { needs } from './helpers/needs.js';
import { Store } from '../src/store/store.js';

const redisUrl = inject('redisUrl');
const SAMPLE = join(import.meta.dirname, '..', '..', 'shared', 'samples', 'news-article.txt');
const HOUR = 3_600_000;

const HARBOR: StoryTexts = harborTexts();

let redis: Redis;
let keys: StoreKeys;
let prefix: string;
let queue: Queue<ArticleEvent, unknown, ArticleEventType>;
let run = 0;

beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = `test-dedupe-${process.pid}-${(run += 1)}`;
  keys = storeKeys(prefix);
  queue = new Queue<ArticleEvent, unknown, ArticleEventType>('articles', { connection: { url: redisUrl }, prefix });
});
afterEach(async () => {
  await queue.close();
  await deletePrefix(redisUrl, prefix);
});

/** A poll without the fetch: the document thread's work (readDocument) and every poll's store step (storeReading). */
async function poll(sourceId: string, document: string, now: Date, client: Redis = redis): Promise<AcceptResult[]> {
  const previous = [...(await new Store(client, keys).articles.readListing(sourceId))];
  const reading = await readDocument({ sourceId, body: Buffer.from(document), contentType: null, documentUrl: `https://${sourceId}.example/feed`, now: now.getTime(), limits: DEFAULT_LIMITS, previous });
  const events = { queue, settings: { enabled: true, keepCompleted: 1000, keepAge: 24 * HOUR } };
  return storeReading(new Store(client, keys), sourceId, reading, { windowMs: 72 * HOUR, events }, now);
}

const events = () => queuedEvents(redisUrl, prefix);

/**
 * Every stored article: its meta from the store, its text from its newest event (an article
 * outside every published window keeps no body in Redis once its events are handed over).
 */
async function allArticles() {
  const ids = await redis.zrange(keys.articlesByTime, 0, -1);
  const metas = await new Store(redis, keys).articles.readMetas(ids);
  const delivered = await events();
  return ids.flatMap((id) => {
    const meta = metas.get(id);
    const newest = delivered.filter((event) => event.data.article.id === id).sort((a, b) => b.data.version - a.data.version)[0];
    if (!meta || !newest) return [];
    return [{ article: { ...newest.data.article, sources: meta.sources }, version: meta.version, canonicalSourceId: meta.canonical }];
  });
}

const at = (hours: number) => new Date(Date.parse('2026-11-24T08:00:00Z') + hours * HOUR);

async function deliverAll(feeds: StoryFeeds): Promise<void> {
  expect((await poll('wire', feeds.wire, at(0)))[0]?.decision).toBe('created');
  expect((await poll('digest', feeds.digest, at(1)))[0]?.decision).toBe('merged');
  expect((await poll('portal', feeds.portal, at(2)))[0]?.decision).toBe('merged');
  expect((await poll('related', feeds.related, at(3)))[0]?.decision).toBe('created');
  expect((await poll('commentary', feeds.commentary, at(4)))[0]?.decision).toBe('created');
}

describe('cross-source dedupe', () => {
  it('merges the original, the digest and the portal copy; keeps the related story and the commentary apart', async () => {
    await deliverAll(storyFeeds(HARBOR));
    const articles = await allArticles();
    expect(articles).toHaveLength(3);
    const story = articles.find((entry) => entry.article.sources.length > 1);
    expect(story?.article.sources.map((source) => source.sourceId)).toEqual(['wire', 'digest', 'portal']);
    expect(story?.article.sources.map((source) => source.url)).toEqual([ORIGINAL_URL, `${ORIGINAL_URL}#story`, PORTAL_URL]);
    // The first source is canonical: its headline, text and URL.
    expect(story?.article).toMatchObject({ sourceId: 'wire', title: HARBOR.headline, url: ORIGINAL_URL });
    expect(story?.article.contentHtml).toContain('Mira Lund is a reporter');
    expect(story?.version).toBe(3);

    const delivered = await events();
    expect(delivered.map((event) => [event.name, event.data.version])).toEqual(expect.arrayContaining([
      ['article.created', 1], ['article.updated', 2], ['article.updated', 3], ['article.created', 1], ['article.created', 1],
    ]));
    expect(delivered).toHaveLength(5);
    const last = delivered.find((event) => event.id === `${story?.article.id}-v3`);
    expect(last?.data.article.sources).toHaveLength(3);
  });

  it('a digest first and the full text later: the full text replaces the summary, the digest never replaces the full text', async () => {
    const feeds = storyFeeds(HARBOR);
    expect((await poll('digest', feeds.digest, at(0)))[0]?.decision).toBe('created');
    expect((await poll('wire', feeds.wire, at(1)))[0]?.decision).toBe('merged');
    const [story] = await allArticles();
    expect(story?.article.sourceId).toBe('digest'); // first to deliver it
    expect(story?.canonicalSourceId).toBe('wire'); // but the full text is the wire's
    expect(story?.article.title).toBe(HARBOR.headline);
    expect(story?.article.contentHtml).toContain('What happens next');
  });

  it('a real edit gives one article.updated and the new text; a cosmetic change gives nothing', async () => {
    const feeds = storyFeeds(HARBOR);
    await deliverAll(feeds);
    const before = (await events()).length;
    const cosmetic = storyFeeds(HARBOR, (html) => html.replace(/<p>/g, '<p>  \n').replace('Comments', 'Comments (14)').replace('port authority said', 'port authority  said'));
    expect((await poll('wire', cosmetic.wire, at(5)))[0]?.decision).toBe('known');
    expect(await events()).toHaveLength(before);

    const edited = storyFeeds(HARBOR, (html) => html.replace('about 1,800 workers', 'about 2,100 workers'));
    expect((await poll('wire', edited.wire, at(6)))[0]?.decision).toBe('updated');
    const after = await events();
    expect(after).toHaveLength(before + 1);
    const story = (await allArticles()).find((entry) => entry.article.sources.length === 3);
    expect(story?.version).toBe(4);
    expect(story?.article.contentHtml).toContain('about 2,100 workers');
    expect(after.find((event) => event.id === `${story?.article.id}-v4`)?.data).toMatchObject({ type: 'article.updated', version: 4 });

    // Edits in a non-canonical copy change nothing.
    const portalEdit = storyFeeds({ ...HARBOR, portalIntro: 'NORHAVN — A different intro written by the portal.' });
    expect((await poll('portal', portalEdit.portal, at(7)))[0]?.decision).toBe('known');
    expect(await events()).toHaveLength(before + 1);
  });

  it('two workers receiving copies of one story at the same moment create one article', async () => {
    const feeds = storyFeeds(HARBOR);
    const second = new Redis(redisUrl);
    try {
      const [wire, portal] = await Promise.all([poll('wire', feeds.wire, at(0)), poll('portal', feeds.portal, at(0), second)]);
      const decisions = [wire[0]?.decision, portal[0]?.decision].sort();
      expect(decisions).toEqual(['created', 'merged']);
      expect((await events()).filter((event) => event.name === 'article.created')).toHaveLength(1);
    } finally {
      second.disconnect();
    }
  });

  it('an entry that reappears within the retention period is not new', async () => {
    const feeds = storyFeeds(HARBOR);
    await poll('wire', feeds.wire, at(0));
    // Listed again unchanged: nothing to store.
    expect(await poll('wire', feeds.wire, at(24))).toEqual([]);
    // Gone from the feed for ten days, then back.
    expect(await poll('wire', '<rss version="2.0"><channel><title>Wire</title></channel></rss>', at(24 * 10))).toEqual([]);
    expect((await poll('wire', feeds.wire, at(24 * 20)))[0]?.decision).toBe('known');
  });

  it('near-duplicates merge only within the window', async () => {
    const feeds = storyFeeds(HARBOR);
    await poll('wire', feeds.wire, at(0));
    expect((await poll('portal', feeds.portal, at(80)))[0]?.decision).toBe('created');
  });
});

describe.runIf(needs(existsSync(SAMPLE), `the shared sample article is missing (${SAMPLE})`))('the shared sample article', () => {
  it('merges its three copies and keeps the related report and the commentary apart', async () => {
    await deliverAll(storyFeeds({
      story: readFileSync(SAMPLE, 'utf8'),
      related: readFileSync(join(STORIES, 'sample-related.txt'), 'utf8'),
      commentary: readFileSync(join(STORIES, 'sample-commentary.txt'), 'utf8'),
      headline: 'North Korea begins sending troops to Russia, Seoul says',
      portalHeadline: 'Seoul: Pyongyang has started deploying soldiers to aid Moscow',
      portalIntro: 'SEOUL (Portal Wire) — Pyongyang has started sending soldiers to fight for Moscow, South Korean officials said on Friday.',
    }));
    const articles = await allArticles();
    expect(articles).toHaveLength(3);
    expect(articles.map((entry) => entry.article.sources.length).sort()).toEqual([1, 1, 3]);
  });
});

/**
 * The MinHash estimate as the accept script makes it (accept.lua, not a copy of it): a story
 * from one source, then a variant from another, under another URL and headline, so only the
 * text can join them.
 */
describe('near-duplicates, decided by the accept script', () => {
  const { story, variants } = harborVariants();
  const entry = (url: string, title: string, text: string) => ({
    guid: url, url, title, summary: null, contentHtml: text.split('\n').filter(Boolean).map((line) => `<p>${escapeUTF8(line)}</p>`).join(''),
    authors: [], categories: [], publishedAt: at(0).toISOString(), updatedAt: null, enclosures: [], imageUrl: null, language: null,
  });

  it.each(variants)('%s → one story: %s', async (_name, text, same) => {
    await acceptDocument(redis, keys, 'wire', prepare('wire', [entry('https://wire.example/harbor', 'Harbor strike halts port', story)], at(0)), at(0));
    const [result] = await acceptDocument(redis, keys, 'portal', prepare('portal', [entry('https://portal.example/p/77', 'Port at a standstill', text)], at(1)), at(1));
    expect(result?.decision).toBe(same ? 'merged' : 'created');
  });
});

