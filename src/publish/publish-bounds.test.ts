/** Published documents stay within output.maxBytes, carry a text once, and are written all or nothing (issue 15, points 3 and 6). */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../model/article.js';
import type { FeedOptions, PublishedItem } from './build-feeds.js';
import { buildWithin } from './build-within.js';
import { publishedSummary } from './published-item.js';
import { removeStaleTemps, writeAllIfChanged } from './write-outputs.js';

function article(id: string, text: string): Article {
  return {
    id, sourceId: 'a', sources: [{ sourceId: 'a', url: `http://a.example/${id}`, seenAt: '2026-11-20T00:00:00.000Z' }],
    guid: id, url: `http://a.example/${id}`, title: `Title ${id}`, summary: text, contentHtml: `<p>${text}</p>`,
    authors: [], categories: [], publishedAt: `2026-11-20T10:${String(59 - Number(id)).padStart(2, '0')}:00.000Z`, updatedAt: null, enclosures: [], imageUrl: null, language: 'en',
  };
}

const options: FeedOptions = {
  title: 'Combined',
  urls: { home: 'http://feeds.example/', rss: 'http://feeds.example/feed.xml', atom: 'http://feeds.example/atom.xml', json: 'http://feeds.example/feed.json' },
  sources: new Map([['a', { id: 'a', title: 'Source A', url: 'http://a.example/feed' }]]),
  ttlMinutes: 30,
  hub: null,
};

describe('output.maxBytes', () => {
  it('leaves the oldest items out until all three documents fit, and counts them', () => {
    const items: PublishedItem[] = Array.from({ length: 40 }, (_, index) => ({ article: article(String(index), `word${index} `.repeat(2000)), canonicalSourceId: 'a' }));
    const { feeds, leftOut } = buildWithin(items, options, 200_000);
    for (const body of [feeds.rss, feeds.atom, feeds.json]) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(200_000);
    expect(leftOut).toBeGreaterThan(0);
    const kept = (JSON.parse(feeds.json) as { items: Array<{ id: string }> }).items;
    expect(kept.length).toBe(40 - leftOut);
    // The newest (first) items are the ones kept.
    expect(kept[0]?.id).toContain('article/0');
  });

  it('keeps everything when it fits', () => {
    const items: PublishedItem[] = [{ article: article('1', 'short'), canonicalSourceId: 'a' }];
    expect(buildWithin(items, options, 16 * 1024 * 1024).leftOut).toBe(0);
  });
});

describe('publishedSummary', () => {
  const long = 'Lorem ipsum dolor sit amet. '.repeat(200);
  it.each([
    ['a long summary that is the content\'s own text is not repeated', { summary: long.trim(), contentHtml: `<p>${long}</p>` }, null],
    ['a short summary is kept', { summary: 'An excerpt.', contentHtml: `<p>${long}</p>` }, 'An excerpt.'],
    ['a long summary of other text is kept', { summary: 'x '.repeat(1000).trim(), contentHtml: `<p>${long}</p>` }, 'x '.repeat(1000).trim()],
    ['no content: the summary is kept', { summary: long, contentHtml: null }, long],
  ])('%s', (_name, value, expected) => {
    expect(publishedSummary(value)).toBe(expected);
  });

  it('halves the published size of a feed whose items carry their text twice', () => {
    const items: PublishedItem[] = Array.from({ length: 20 }, (_, index) => ({ article: { ...article(String(index), long.trim()), contentHtml: `<p>${long}</p>` }, canonicalSourceId: 'a' }));
    const { feeds } = buildWithin(items, options, 16 * 1024 * 1024);
    expect(feeds.rss.split('Lorem ipsum dolor sit amet.').length - 1).toBe(20 * 200);
  });
});

describe('writeAllIfChanged', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'feedagg-write-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes every changed file or none: one failing write leaves all of them as they were, and no temporary file', async () => {
    await writeFile(join(dir, 'feed.xml'), 'old rss');
    await writeFile(join(dir, 'blocked'), 'a file where a folder should be');
    const files = [{ path: join(dir, 'feed.xml'), body: 'new rss' }, { path: join(dir, 'blocked', 'atom.xml'), body: 'new atom' }];
    await expect(writeAllIfChanged(files)).rejects.toMatchObject({ code: expect.stringMatching(/ENOTDIR|EEXIST/) });
    expect(await readFile(join(dir, 'feed.xml'), 'utf8')).toBe('old rss');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('touches nothing that did not change, and writes the rest', async () => {
    await writeFile(join(dir, 'feed.xml'), 'same');
    expect(await writeAllIfChanged([{ path: join(dir, 'feed.xml'), body: 'same' }, { path: join(dir, 'atom.xml'), body: 'new' }])).toEqual([join(dir, 'atom.xml')]);
  });

  it('removes the temporary files a killed publish left, and nothing else', async () => {
    await writeFile(join(dir, '.0123456789ab.tmp'), 'half');
    await writeFile(join(dir, 'keep.tmp'), 'not ours');
    await writeFile(join(dir, 'feed.xml'), 'rss');
    expect(await removeStaleTemps([dir, join(dir, 'absent')])).toEqual([join(dir, '.0123456789ab.tmp')]);
    expect((await readdir(dir)).sort()).toEqual(['feed.xml', 'keep.tmp']);
  });
});
