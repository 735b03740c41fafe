/**
 * Publish every output: load the current window of articles, filter it per output, build the
 * three documents, write changed files atomically, keep the documents in Redis for every
 * server instance, and ping the WebSub hub about the changed ones.
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import { newestArticleIds, readArticles, trimArticleIndex, type StoredArticle } from '../store/article-store.js';
import type { StoreKeys } from '../store/keys.js';
import { recordPublish, saveDocument } from '../store/output-store.js';
import { buildFeeds, type SourceInfo } from './build-feeds.js';
import { documentsOf } from './document-set.js';
import { compileMatcher, matchesFilter, type OutputFilter } from './output-filter.js';
import { pingHub } from './websub.js';
import { writeIfChanged } from './write-outputs.js';

export interface OutputPlan {
  /** '' for the main output. */
  folder: string;
  title: string;
  filter: OutputFilter | null;
}

export interface PublishResult {
  items: number;
  written: string[];
  unchanged: string[];
  pinged: string[];
}

export interface PublishDeps {
  dispatcher: Dispatcher;
  onPingError?: (error: unknown) => void;
}

export function outputPlans(config: Config): OutputPlan[] {
  return [
    { folder: '', title: config.output.title, filter: null },
    ...config.outputs.map((output) => ({
      folder: output.path,
      title: output.title ?? `${config.output.title}: ${output.path}`,
      filter: { tags: output.tags, sources: output.sources, include: output.include.map(compileMatcher), exclude: output.exclude.map(compileMatcher) },
    })),
  ];
}

export function sourceInfos(config: Config): Map<string, SourceInfo> {
  return new Map(config.sources.map((source) => [source.id, { id: source.id, title: source.title ?? source.id, url: source.url }]));
}

/** Filtered outputs need a deeper window to fill maxItems after filtering. */
function candidateCount(config: Config): number {
  return config.outputs.length === 0 ? config.output.maxItems : Math.min(5000, config.output.maxItems * 20);
}

function select(articles: StoredArticle[], plan: OutputPlan, config: Config, tags: ReadonlyMap<string, string[]>): StoredArticle[] {
  const matching = plan.filter ? articles.filter((entry) => matchesFilter(entry.article, plan.filter as OutputFilter, (id) => tags.get(id) ?? [])) : articles;
  return matching.slice(0, config.output.maxItems);
}

export async function publishOutputs(redis: Redis, keys: StoreKeys, config: Config, now: Date, deps: PublishDeps): Promise<PublishResult> {
  await trimArticleIndex(redis, keys, now.getTime() - config.dedupe.retention);
  const ids = await newestArticleIds(redis, keys, candidateCount(config), now.getTime() - config.output.maxAge);
  const articles = await readArticles(redis, keys, ids);
  const result: PublishResult = { items: 0, written: [], unchanged: [], pinged: [] };
  const changedUrls: string[] = [];
  const sources = sourceInfos(config);
  const tags = new Map(config.sources.map((source) => [source.id, source.tags]));
  for (const plan of outputPlans(config)) {
    const items = select(articles, plan, config, tags);
    if (plan.folder === '') result.items = items.length;
    const base = new URL(plan.folder ? `${plan.folder}/` : '', config.output.link);
    const feeds = buildFeeds(items, {
      title: plan.title,
      urls: { home: config.output.link, rss: new URL('feed.xml', base).toString(), atom: new URL('atom.xml', base).toString(), json: new URL('feed.json', base).toString() },
      sources,
      ttlMinutes: Math.max(1, Math.round(config.schedule.defaultInterval / 60_000)),
      hub: config.output.websubHub,
    });
    for (const document of documentsOf(plan.folder, feeds)) {
      const fileChanged = await writeIfChanged(join(config.output.dir, document.path), document.body);
      const stored = await saveDocument(redis, keys, { ...document, modified: now.toUTCString() });
      (fileChanged ? result.written : result.unchanged).push(document.path.slice(1));
      if (fileChanged || stored) changedUrls.push(new URL(document.path.slice(1), config.output.link).toString());
    }
  }
  await recordPublish(redis, keys, now);
  if (config.output.websubHub && changedUrls.length > 0) {
    try {
      await pingHub(config.output.websubHub, changedUrls, deps.dispatcher);
      result.pinged = changedUrls;
    } catch (error) {
      deps.onPingError?.(error);
    }
  }
  return result;
}
