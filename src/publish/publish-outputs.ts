/** Load the current window of articles and write the three documents for `output`. */
import type { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import { newestArticleIds, readArticles, trimArticleIndex } from '../store/article-store.js';
import type { StoreKeys } from '../store/keys.js';
import { buildFeeds, type SourceInfo } from './build-feeds.js';
import { writeOutputs, type WrittenOutputs } from './write-outputs.js';

export const OUTPUT_FILES = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } as const;

export interface PublishResult extends WrittenOutputs {
  items: number;
}

export function sourceInfos(config: Config): Map<string, SourceInfo> {
  return new Map(config.sources.map((source) => [source.id, { id: source.id, title: source.title ?? source.id, url: source.url }]));
}

export async function publishOutputs(redis: Redis, keys: StoreKeys, config: Config, now: Date): Promise<PublishResult> {
  await trimArticleIndex(redis, keys, now.getTime() - config.dedupe.retention);
  const ids = await newestArticleIds(redis, keys, config.output.maxItems, now.getTime() - config.output.maxAge);
  const articles = await readArticles(redis, keys, ids);
  const feeds = buildFeeds(articles, {
    title: config.output.title,
    link: config.output.link,
    paths: OUTPUT_FILES,
    sources: sourceInfos(config),
    ttlMinutes: Math.max(1, Math.round(config.schedule.defaultInterval / 60_000)),
    hub: config.output.websubHub,
  });
  const written = await writeOutputs(config.output.dir, {
    [OUTPUT_FILES.rss]: feeds.rss,
    [OUTPUT_FILES.atom]: feeds.atom,
    [OUTPUT_FILES.json]: feeds.json,
  });
  return { ...written, items: articles.length };
}
