#!/usr/bin/env node
/**
 * The loop a user would write in an afternoon, as the baseline of `npm run bench:farm`: for
 * every source an undici GET and rss-parser, then (naive) merge the items by link and write
 * one RSS file with `feed`; no queue, no Redis, no state between runs. "bare" stops after
 * the parse. Eight requests at a time, to the same URLs feedagg polls (a host per feed, or
 * all on one host).
 *   node naive-loop.js <port> <feeds> naive|bare <out.xml> [many|one]
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Feed } from 'feed';
import { request } from 'undici';
import { feedUrl, LOOP_CONCURRENCY } from './farm-feeds.js';

interface ParsedItem {
  title?: string;
  link?: string;
  guid?: string;
  isoDate?: string;
  content?: string;
}
interface RssParserLike {
  parseString(xml: string): Promise<{ items: ParsedItem[] }>;
}

const [port = '0', count = '0', mode = 'naive', out = '/dev/null', hosts = 'many'] = process.argv.slice(2);
const RssParser = createRequire(import.meta.url)('rss-parser') as new () => RssParserLike;
const parser = new RssParser();
const merged = new Map<string, ParsedItem>();
let next = 0;
let items = 0;

async function worker(): Promise<void> {
  for (let feed = next++; feed < Number(count); feed = next++) {
    const response = await request(feedUrl(Number(port), feed, hosts === 'one' ? 'one' : 'many'));
    const parsed = await parser.parseString(await response.body.text());
    items += parsed.items.length;
    if (mode === 'naive') for (const item of parsed.items) if (item.link && !merged.has(item.link)) merged.set(item.link, item);
  }
}

await Promise.all(Array.from({ length: LOOP_CONCURRENCY }, () => worker()));
if (mode === 'naive') {
  const feed = new Feed({ title: 'Naive combined feed', id: 'http://naive.test/', link: 'http://naive.test/', copyright: '' });
  const newest = [...merged.values()].sort((a, b) => (b.isoDate ?? '').localeCompare(a.isoDate ?? '')).slice(0, 100);
  for (const item of newest) feed.addItem({ title: item.title ?? '', link: item.link ?? '', id: item.guid, date: new Date(item.isoDate ?? 0), content: item.content });
  await writeFile(out, feed.rss2());
}
process.stdout.write(`${JSON.stringify({ items, merged: merged.size })}\n`);
