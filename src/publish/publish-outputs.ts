/**
 * Publish every output: select each one's window of articles, build the three documents,
 * write changed files atomically, keep the documents in Redis for every server instance,
 * tell the store which articles the windows hold (they keep their bodies, compressed), and
 * ping the WebSub hub about the changed documents.
 */
import { redactUrl } from '../redact.js';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Config } from '../../config/schema.js';
import type { RedisClient as Redis } from '../redis/client.js';
import { selectWindows } from './select-window.js';
import type { SourceInfo } from './build-feeds.js';
import type { BuildTask } from '../pipeline/thread-tasks.js';
import type { BoundedFeeds } from './build-within.js';
import { compressDocument } from './compress-document.js';
import { documentsOf, type Document } from './document-set.js';
import { compileMatcher, type OutputFilter } from './output-filter.js';
import { pingHub } from './websub.js';
import { writeAllIfChanged } from './write-outputs.js';
import { describeFsError } from './check-outputs.js';
import { FeedaggError } from '../errors.js';
import { Store } from '../store/store.js';

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
  /** Items left out of documents to keep them within output.maxBytes, by output folder ('' main). */
  leftOut: Record<string, number>;
}

export interface PublishDeps {
  dispatcher: Dispatcher;
  /** Builds an output's documents (in a document thread); in this thread when absent. */
  build?: (task: BuildTask) => Promise<BoundedFeeds>;
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
  return new Map(config.sources.map((source) => [source.id, { id: source.id, title: source.title ?? source.id, url: redactUrl(source.url) }]));
}

/** Documents past this size are compressed one at a time. */
const LARGE_DOCUMENT_CHARS = 1024 * 1024;

export async function publishOutputs(store: Store, config: Config, now: Date, deps: PublishDeps): Promise<PublishResult> {
  const plans = outputPlans(config);
  const sequence = await store.workingSet.acceptSequence();
  const minTime = config.output.maxAge === null ? Number.NEGATIVE_INFINITY : now.getTime() - config.output.maxAge;
  const tags = new Map(config.sources.map((source) => [source.id, source.tags]));
  const windows = await selectWindows(plans, async (offset, count) => {
    const ids = await store.articles.articlePage(offset, count, minTime);
    return { read: ids.length, articles: await store.articles.readArticles(ids) };
  }, { maxItems: config.output.maxItems, maxScanned: config.output.maxItems * 50 }, (id) => tags.get(id) ?? []);
  const result: PublishResult = { items: 0, written: [], unchanged: [], pinged: [], leftOut: {} };
  const changedUrls: string[] = [];
  const sources = sourceInfos(config);
  // The feed writers (feed, xml-js) load on the first publish, not at every start-up.
  const build = deps.build ?? (async (task: BuildTask) => (await import('./build-within.js')).buildWithin(task.items, task.options, task.maxBytes));
  const documents: Document[] = [];
  for (const plan of plans) {
    const items = windows.get(plan.folder) ?? [];
    const base = new URL(plan.folder ? `${plan.folder}/` : '', config.output.link);
    const { feeds, leftOut } = await build({ items, maxBytes: config.output.maxBytes, options: {
      title: plan.title,
      urls: { home: config.output.link, rss: new URL('feed.xml', base).toString(), atom: new URL('atom.xml', base).toString(), json: new URL('feed.json', base).toString() },
      sources,
      ttlMinutes: Math.max(1, Math.round(config.schedule.defaultInterval / 60_000)),
      emptyFeedDate: now,
      hub: config.output.websubHub,
    } });
    if (plan.folder === '') result.items = items.length - leftOut;
    if (leftOut > 0) result.leftOut[plan.folder] = leftOut;
    documents.push(...documentsOf(plan.folder, feeds));
  }
  // Files first, all or nothing: a publish that cannot write leaves every output as it was.
  const written = new Set(await writeAllIfChanged(documents.map((document) => ({ path: join(config.output.dir, document.path), body: document.body }))).catch((error: unknown) => {
    throw new FeedaggError('OUTPUT', `cannot write the published files under ${config.output.dir}: ${describeFsError(error)} (check output.dir)`, { cause: error });
  }));
  const etags = await Promise.all(documents.map((document) => store.outputs.documentEtag(document.path)));
  // Compressed once here, for every server to send as it is (never on request). Small documents
  // side by side (libuv's thread pool); large ones one at a time, as each holds its copy and
  // the encoders' windows while it is compressed.
  const compress = (document: Document, index: number) => (etags[index] !== document.etag ? compressDocument(Buffer.from(document.body, 'utf8')) : Promise.resolve(null));
  const large = documents.some((document) => document.body.length > LARGE_DOCUMENT_CHARS);
  const compressed: Array<Awaited<ReturnType<typeof compress>>> = [];
  if (large) for (const [index, document] of documents.entries()) compressed.push(await compress(document, index));
  else compressed.push(...(await Promise.all(documents.map(compress))));
  for (const [index, document] of documents.entries()) {
    const fileChanged = written.has(join(config.output.dir, document.path));
    (fileChanged ? result.written : result.unchanged).push(document.path.slice(1));
    const variants = compressed[index];
    if (variants) {
      await store.outputs.saveDocument({ ...document, ...variants, modified: now.toUTCString() });
      changedUrls.push(new URL(document.path.slice(1), config.output.link).toString());
    } else if (fileChanged) changedUrls.push(new URL(document.path.slice(1), config.output.link).toString());
  }
  await store.workingSet.keepWindowBodies([...new Set([...windows.values()].flat().map((entry) => entry.article.id))], sequence);
  await store.outputs.recordPublish(now);
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
