/**
 * Issue 20: a source's include/exclude (edited in the console) drop entries before they become
 * articles or events. The reader keeps every entry in the listing, so a dropped entry is not
 * read again until it changes.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/load-config.js';
import { DEFAULT_LIMITS } from '../src/normalize/document-limits.js';
import { readDocument, type DocumentTask } from '../src/pipeline/read-document.js';
import { fixture } from './helpers/fixture-server.js';

const NOW = Date.parse('2026-11-10T00:00:00Z');

function task(filter?: DocumentTask['filter'], previous: Array<[string, string]> = []): DocumentTask {
  return { sourceId: 'harbor', body: fixture('rss2.xml'), contentType: 'application/rss+xml', documentUrl: 'http://harbor.example/feed.xml', now: NOW, limits: DEFAULT_LIMITS, previous, ...(filter ? { filter } : {}) };
}

const titles = (reading: { prepared: Array<{ article: { title: string } }> }) => reading.prepared.map((entry) => entry.article.title).sort();

describe('source filters', () => {
  it('keep only entries matching include, then drop those matching exclude; the listing keeps them all', async () => {
    const all = await readDocument(task());
    expect(titles(all)).toEqual(['Ferry timetable changes for the winter', 'Fish market & harbor festival return', 'New lighthouse keeper appointed']);
    const ferry = await readDocument(task({ include: ['ferry'], exclude: [] }));
    expect(titles(ferry)).toEqual(['Ferry timetable changes for the winter']);
    expect(ferry.listing).toHaveLength(3);
    const noFestival = await readDocument(task({ include: [], exclude: ['/festival|LIGHTHOUSE/i'] }));
    expect(titles(noFestival)).toEqual(['Ferry timetable changes for the winter']);
    // Categories count: "transport" is the ferry item's.
    expect(titles(await readDocument(task({ include: ['transport'], exclude: [] })))).toEqual(['Ferry timetable changes for the winter']);
    // Read again against its listing: nothing is prepared, the dropped entries included.
    const again = await readDocument(task({ include: ['ferry'], exclude: [] }, ferry.listing.map((entry) => [entry.ekh, entry.rawFp])));
    expect(again.changed).toBe(false);
    expect(again.prepared).toEqual([]);
  });

  it('are validated with the config: a regular expression that does not compile names the source and field', () => {
    expect(() => parseConfigText('sources: [{ id: a, url: "https://a.example/f", include: ["/(unclosed/"] }]', 't.yaml', {})).toThrow(/sources\[0\] \(a\)\.include|include/);
    expect(parseConfigText('sources: [{ id: a, url: "https://a.example/f", exclude: [sponsored] }]', 't.yaml', {}).sources[0]?.exclude).toEqual(['sponsored']);
  });
});
