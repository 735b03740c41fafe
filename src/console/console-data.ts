/**
 * What the console shows beyond a source's row (source-rows.ts): its articles of the last
 * 24 hours, its latest articles with the stories they merged into, and each output's latest
 * items. Articles are indexed by time, not by source, so these read the newest articles
 * (at most SCAN_ARTICLES) and look at their provenance; a count that hit the cap says so.
 */
import type { SourceConfig } from '../../config/schema.js';
import { outputPlans } from '../publish/publish-outputs.js';
import { matchesFilter } from '../publish/output-filter.js';
import type { AppContext } from '../runtime/context.js';
import type { ArticleMeta } from '../store/article-store.js';
import { redactUrl } from '../redact.js';

/** Newest articles read for the counts and lists below (ids and metas: about 0.3 KB each). */
export const SCAN_ARTICLES = 5_000;
const DAY_MS = 24 * 3_600_000;

type Context = Pick<AppContext, 'store' | 'config'>;

export interface RecentCounts {
  /** Articles each source delivered (first or merged into a story) in the last 24 h, by when it was seen. */
  bySource: Map<string, number>;
  /** The scan stopped at SCAN_ARTICLES: the counts are lower bounds. */
  capped: boolean;
}

/**
 * Articles each source delivered in the last 24 hours: an article counts for a source its
 * provenance says was seen since then. Read from the newest SCAN_ARTICLES by publish time
 * (an old entry that only arrived today, from a feed that lists years back, may be missed).
 */
/** The newest SCAN_ARTICLES articles' ids (newest first) and metas: read once per page or call. */
export interface ArticleScan {
  ids: string[];
  metas: Map<string, ArticleMeta>;
}

export async function scanArticles(context: Context): Promise<ArticleScan> {
  const ids = await context.store.articles.articlePage(0, SCAN_ARTICLES, Number.NEGATIVE_INFINITY);
  return { ids, metas: await context.store.articles.readMetas(ids) };
}

export function articlesLastDay({ ids, metas }: ArticleScan, now: number): RecentCounts {
  const since = new Date(now - DAY_MS).toISOString();
  const bySource = new Map<string, number>();
  for (const meta of metas.values()) {
    const recent = new Set(meta.sources.filter((source) => source.seenAt >= since).map((source) => source.sourceId));
    for (const id of recent) bySource.set(id, (bySource.get(id) ?? 0) + 1);
  }
  return { bySource, capped: ids.length >= SCAN_ARTICLES };
}

export interface SourceArticle {
  id: string;
  /** Null when the article's body left the store's window (only its meta is kept). */
  title: string | null;
  url: string | null;
  publishedAt: string | null;
  /** The source the story was first seen from (this one, or another it merged into). */
  firstSource: string;
  /** Every source that delivered the story. */
  sources: string[];
}

/** The source's newest articles (at most `limit`), among the newest SCAN_ARTICLES. */
export async function sourceArticles(context: Context, { ids, metas }: ArticleScan, sourceId: string, limit = 20): Promise<SourceArticle[]> {
  const mine: Array<[string, ArticleMeta]> = [];
  for (const id of ids) {
    const meta = metas.get(id);
    if (meta?.sources.some((source) => source.sourceId === sourceId)) mine.push([id, meta]);
    if (mine.length >= limit) break;
  }
  const bodies = new Map((await context.store.articles.readArticles(mine.map(([id]) => id))).map((stored) => [stored.article.id, stored.article]));
  return mine.map(([id, meta]) => {
    const article = bodies.get(id);
    const own = meta.sources.find((source) => source.sourceId === sourceId);
    return {
      id,
      title: article?.title ?? null,
      url: article?.url ?? (own?.url ? redactUrl(own.url) : null),
      publishedAt: article?.publishedAt ?? own?.seenAt ?? null,
      firstSource: meta.firstSource,
      sources: [...new Set(meta.sources.map((source) => source.sourceId))],
    };
  });
}

export interface OutputView {
  /** Its documents' paths. */
  paths: string[];
  title: string;
  latest: Array<{ title: string; url: string | null; sourceId: string }>;
}

/** Each output's documents and its newest items, as its filter selects them from the newest articles. */
export async function outputViews(context: Context, paths: (folder: string) => string[], perOutput = 5): Promise<OutputView[]> {
  const plans = outputPlans(context.config);
  const ids = await context.store.articles.articlePage(0, 200, Number.NEGATIVE_INFINITY);
  const articles = (await context.store.articles.readArticles(ids)).map((stored) => stored.article);
  const tags = new Map(context.config.sources.map((source: SourceConfig) => [source.id, source.tags]));
  return plans.map((plan) => ({
    paths: paths(plan.folder),
    title: plan.title,
    latest: articles
      .filter((article) => plan.filter === null || matchesFilter(article, plan.filter, (id) => tags.get(id) ?? []))
      .slice(0, perOutput)
      .map((article) => ({ title: article.title, url: article.url, sourceId: article.sourceId })),
  }));
}
