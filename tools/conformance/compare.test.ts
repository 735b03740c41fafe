/** What the conformance metric counts (issue 11): one check per field per entry, the entry count once per file. */
import { describe, expect, it } from 'vitest';
import { compareFile, summarize, type OurArticle, type ReferenceDump, type ReferenceEntry } from './compare.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertedValues } from './expectations.js';
import { HTML5_READINGS, html5Readings } from './html5-readings.js';
import { needs } from '../../tests/helpers/needs.js';

const ours = (fields: Partial<OurArticle> = {}): OurArticle => ({
  title: '', url: null, guid: null, publishedAt: null, authors: [], categories: [], enclosures: [], summary: null, contentHtml: null, ...fields,
});

function compare(reference: ReferenceEntry[], articles: OurArticle[], asserted?: Map<string, string>) {
  return compareFile('f.xml', { entries: reference, feed: { author: 'Feed Person (feed@x.example)' } }, { path: 'f.xml', feed: { title: null, link: null }, articles }, asserted);
}

describe('compareFile', () => {
  it.each([
    ['a disagreement is counted', { link: 'http://a.example/1' }, ours({ url: 'http://a.example/2' }), 'link', 1, 0],
    ['an agreement is counted', { link: 'http://a.example/1' }, ours({ url: 'http://a.example/1' }), 'link', 1, 1],
    ['two nulls are not counted', { link: null }, ours({ url: null }), 'link', 0, 0],
    ['a value only we have is a disagreement', { id: null }, ours({ guid: 'x' }), 'id', 1, 0],
    ['a title we synthesize (the reference has none) is not counted', { title: null }, ours({ title: 'First words of the summary…' }), 'title', 0, 0],
    ['titles agree as text: markup in the reference is reduced', { title: 'A <b>bold</b> move' }, ours({ title: 'A bold move' }), 'title', 1, 1],
    ['tracking parameters do not count', { link: 'http://a.example/1?utm_source=rss' }, ours({ url: 'http://a.example/1' }), 'link', 1, 1],
    ['a non-URL "link" (an Atom id copied by feedparser) is no link', { link: 'Correct Value' }, ours({ url: null }), 'link', 0, 0],
    ['dates agree to the second', { published: '2026-01-01T00:00:00.9Z' }, ours({ publishedAt: '2026-01-01T00:00:00.000Z' }), 'date', 1, 1],
    ['the reference author among ours agrees', { author: 'B' }, ours({ authors: [{ name: 'A' }, { name: 'B' }] }), 'author', 1, 1],
    ['summaries agree on their first 200 characters, whitespace collapsed', { summary: `<p>${'word '.repeat(60)}</p>`, summary_type: 'text/html' }, ours({ summary: `${'word  '.repeat(40)}${'other '.repeat(20)}` }), 'summary', 1, 1],
    ['a summary we fill from content where feedparser has none is not counted', { summary: null }, ours({ contentHtml: '<p>Body text</p>' }), 'summary', 0, 0],
    ['an Atom entry author taken from the feed, where feedparser gives none, is not counted', { author: null }, ours({ authors: [{ name: 'Feed Person' }] }), 'author', 0, 0],
    ['an author where feedparser gives none, not the feed\'s, is counted', { author: null }, ours({ authors: [{ name: 'Someone Else' }] }), 'author', 1, 0],
    ['a summary of our own where feedparser has none is counted', { summary: null }, ours({ summary: 'Our words', contentHtml: '<p>Body text</p>' }), 'summary', 1, 0],
    ['feedparser copies content into summary: our content text agrees', { summary: '<p>Body text</p>', content_types: ['text/html'] }, ours({ contentHtml: '<p>Body text</p>' }), 'summary', 1, 1],
  ])('%s', (_name, reference, article, field, counted, agreed) => {
    const result = compare([reference as ReferenceEntry], [article]);
    expect(result.counted[field as 'link'] ?? 0).toBe(counted);
    expect(result.agreed[field as 'link'] ?? 0).toBe(agreed);
  });

  it('counts the entry count once per file, and not for two empty files', () => {
    expect(compare([], []).counted.entries).toBeUndefined();
    const lost = compare([{ title: 'x' }], []);
    expect([lost.counted.entries, lost.agreed.entries, lost.lostEntries]).toEqual([1, undefined, true]);
  });

  it('accepts the value the file’s own test asserts where feedparser’s output contradicts it', () => {
    const asserted = assertedValues("entries[0]['link'] == entries[1]['link'] == 'http://www.example.com/alternate'");
    const result = compare([{ link: 'http://www.example.com/enclosure' }, { link: 'http://www.example.com/enclosure' }], [ours({ url: 'http://www.example.com/alternate' }), ours({ url: 'http://www.example.com/alternate' })], asserted);
    expect([result.counted.link, result.agreed.link]).toEqual([2, 2]);
  });

  it('summarizes per field and overall, listing lost files', () => {
    const summary = summarize([compare([{ link: 'http://a.example/1' }], [ours({ url: 'http://a.example/2' })]), compare([{ title: 'x' }], [])]);
    expect(summary.perField.find((row) => row.field === 'link')).toEqual({ field: 'link', counted: 1, agreed: 0 });
    expect([summary.counted, summary.agreed, summary.lostFiles]).toEqual([3, 1, ['f.xml']]);
  });
});

describe('HTML5 readings (issue 18)', () => {
  it('the HTML5 reading written down for a file agrees as well as feedparser\'s, and nothing else does', () => {
    const path = 'tests/wellformed/sanitize/entry_summary_iframe.xml';
    const reference = { entries: [{ summary: 'safe description', summary_type: 'text/html' }] };
    const run = (summary: string) => compareFile(path, reference, { path, articles: [ours({ summary })] }, html5Readings(path));
    expect(run('safe').agreed.summary).toBe(1);
    expect(run('safe description').agreed.summary).toBe(1);
    expect(run('something else').agreed.summary).toBeUndefined();
  });

  it('gives every reading a reason, once per file and field', () => {
    const keys = HTML5_READINGS.map((reading) => `${reading.path} ${reading.field}#${reading.entry}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const reading of HTML5_READINGS) expect(reading.reason.length, reading.path).toBeGreaterThan(40);
  });

  // Only where the corpus is present (it is not part of the repository).
  const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora', 'feedparser');
  it.runIf(needs(existsSync(join(corpus, 'reference.feedparser-6.0.10.jsonl')), `the feedparser corpus is missing (${corpus})`))('lists only files where feedparser\'s reading differs from the HTML5 one', () => {
    const lines = readFileSync(join(corpus, 'reference.feedparser-6.0.10.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path: string; dump: ReferenceDump });
    const dumps = new Map(lines.map((line) => [line.path, line.dump]));
    for (const reading of HTML5_READINGS) {
      const dump = dumps.get(reading.path);
      expect(dump, reading.path).toBeDefined();
      const feedparser = reading.entry === null ? dump?.feed?.title : reading.field === 'title' ? dump?.entries?.[reading.entry]?.title : dump?.entries?.[reading.entry]?.summary;
      expect(feedparser?.replace(/\s+/g, ' ').trim(), reading.path).not.toBe(reading.value);
    }
  });
});

describe('assertedValues', () => {
  it.each([
    ["not bozo and entries[0]['id'] == 'right'", [['id#0', 'right']]],
    ["feed['title'] == 'testing \\u2329 entity'", [['feed.title', 'testing \u2329 entity']]],
    ["entries[0]['description'] == 'a\\nb' and entries[0]['media_credit'][0]['role'] == 'creator'", [['summary#0', 'a\nb']]],
    ["entries[0]['updated_parsed'] == (2003, 12, 31)", []],
  ])('%s', (expect_, pairs) => {
    expect([...assertedValues(expect_)]).toEqual(pairs);
  });
});
