/**
 * The feed farm of `npm run bench:farm`: N RSS feeds of about 60 KB (20 items of about 2.4 KB
 * of their own text). A third send no validators, a third an ETag, a third Last-Modified;
 * every 50th feed carries one shared wire story in its first three items. Each round changes
 * 10 % of the feeds (a new item on top). In `same-story` mode every feed carries the wire story.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../seeded-random.js';
import { escapeUTF8 as escapeMarkup } from 'entities';

export type FarmMode = 'normal' | 'same-story';

const ITEMS = 20;
const WORDS = Array.from({ length: 3000 }, (_, index) => {
  const random = seededRandom(index + 1);
  const length = 2 + Math.floor(random() * 8);
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
});
const BASE_TIME = Date.UTC(2026, 10, 20);

/** Words with a Zipf-like skew, as in real text (common words often, rare ones seldom). */
function text(random: () => number, words: number): string {
  const out: string[] = [];
  for (let index = 0; index < words; index += 1) out.push(WORDS[Math.floor(WORDS.length * random() ** 3)] ?? 'word');
  return out.join(' ');
}


export interface FarmItem {
  guid: string;
  link: string;
  title: string;
  html: string;
  published: number;
}

function item(feed: number, serial: number): FarmItem {
  const random = seededRandom(feed * 100_003 + serial);
  const paragraphs = Array.from({ length: 4 }, () => `<p>${text(random, 95)}.</p>`).join("\n");
  return {
    guid: `feed-${feed}-item-${serial}`,
    link: `http://feed${feed}.farm.test/story/${serial}`,
    title: `${text(random, 6)} (${feed}.${serial})`,
    html: paragraphs,
    published: BASE_TIME + serial * 3_600_000 + feed * 1000,
  };
}

function wireStory(): FarmItem {
  const random = seededRandom(424_242);
  return {
    guid: 'wire-story-1',
    link: 'http://wire.farm.test/story/1',
    title: 'Wire: the shared story every 50th feed carries',
    html: Array.from({ length: 4 }, () => `<p>${text(random, 60)}.</p>`).join('\n'),
    published: BASE_TIME + 9 * 3_600_000,
  };
}

export class FeedFarm {
  private readonly wire = wireStory();

  constructor(readonly size: number, readonly mode: FarmMode = 'normal') {}

  /** 10 % of the feeds get one new item per round (a different 10 % each round). */
  newestSerial(feed: number, round: number): number {
    let serial = ITEMS - 1;
    for (let past = 1; past <= round; past += 1) if ((feed + past * 7) % 10 === 0) serial += 1;
    return serial;
  }

  validators(feed: number): 'none' | 'etag' | 'last-modified' {
    return (['none', 'etag', 'last-modified'] as const)[feed % 3] ?? 'none';
  }

  carriesWire(feed: number): boolean {
    return this.mode === 'same-story' || feed % 50 === 0;
  }

  items(feed: number, round: number): FarmItem[] {
    const newest = this.newestSerial(feed, round);
    const own = Array.from({ length: ITEMS }, (_, offset) => item(feed, newest - offset));
    if (!this.carriesWire(feed)) return own;
    return [own[0] as FarmItem, this.wire, ...own.slice(1, ITEMS - 1)];
  }

  document(feed: number, round: number): string {
    const items = this.items(feed, round).map((entry) => `<item>
<title>${escapeMarkup(entry.title)}</title>
<link>${entry.link}</link>
<guid isPermaLink="false">${entry.guid}</guid>
<pubDate>${new Date(entry.published).toUTCString()}</pubDate>
<description>${escapeMarkup(entry.html)}</description>
</item>`);
    return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Farm feed ${feed}</title><link>http://feed${feed}.farm.test/</link><description>Feed ${feed} of the bench farm</description>
${items.join('\n')}
</channel></rss>
`;
  }

  /** The ETag or Last-Modified a feed's current version carries. */
  version(feed: number, round: number): { etag: string; lastModified: string } {
    const serial = this.newestSerial(feed, round);
    return {
      etag: `"${createHash('sha1').update(`${feed}:${serial}`).digest('hex').slice(0, 16)}"`,
      lastModified: new Date(BASE_TIME + serial * 3_600_000).toUTCString(),
    };
  }
}

/**
 * Feed n lives on its own loopback address (127.1.x.y), as feeds live on hosts of their own:
 * every loop in the benchmark requests these same URLs, so each pays one connection per feed.
 */
/** `many`: a loopback address per feed (127.1.x.y), as feeds have hosts of their own; `one`: every feed on 127.0.0.1. */
export type FarmHosts = 'one' | 'many';

/** The loop's requests at a time; on one host, feedagg's perHostConcurrency is the same. */
export const LOOP_CONCURRENCY = 8;

export function feedUrl(port: number, feed: number, hosts: FarmHosts = 'many'): string {
  if (hosts === 'one') return `http://127.0.0.1:${port}/feed/${feed}.xml`;
  return `http://127.${1 + Math.floor(feed / 65_536)}.${Math.floor(feed / 256) % 256}.${feed % 256}:${port}/feed/${feed}.xml`;
}
