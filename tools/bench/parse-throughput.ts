/**
 * Parse throughput on a 1 MB RSS feed: feedagg's parser (parse only, and the whole read path
 * with normalization and sanitizing) against rss-parser's parseString. Prints MB/s (median).
 */
import { createRequire } from 'node:module';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { readFeed } from '../../src/pipeline/read-feed.js';
import { syntheticRss } from './synthetic-feed.js';

interface RssParserLike {
  parseString(xml: string): Promise<{ items: unknown[] }>;
}

async function measure(name: string, bytes: number, rounds: number, run: () => Promise<number>): Promise<{ name: string; mbPerSecond: number; items: number }> {
  let items = 0;
  for (let warm = 0; warm < 3; warm += 1) items = await run();
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 1;
  return { name, mbPerSecond: bytes / 1024 / 1024 / median, items };
}

export async function benchParse(rounds = 15): Promise<string[]> {
  const text = syntheticRss(1024 * 1024);
  const bytes = Buffer.byteLength(text);
  const body = Buffer.from(text);
  // rss-parser is a devDependency, kept for this comparison only.
  const RssParser = createRequire(import.meta.url)('rss-parser') as new () => RssParserLike;
  const rssParser = new RssParser();
  const results = [
    await measure('rss-parser parseString', bytes, rounds, async () => (await rssParser.parseString(text)).items.length),
    await measure('feedagg parseFeed (parse only)', bytes, rounds, async () => (await parseFeed(text)).entries.length),
    await measure('feedagg readFeed (decode + parse + normalize + sanitize)', bytes, rounds, async () => (await readFeed({ sourceId: 'b', body, contentType: null, documentUrl: 'https://news.example/feed', now: new Date() })).entries.length),
  ];
  return [
    `parse throughput, ${(bytes / 1024 / 1024).toFixed(2)} MB RSS 2.0 feed with ${results[0]?.items ?? 0} items, median of ${rounds} rounds:`,
    ...results.map((result) => `  ${result.name.padEnd(58)} ${result.mbPerSecond.toFixed(1).padStart(6)} MB/s`),
  ];
}
