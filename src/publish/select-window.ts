/**
 * The articles each output shows: newest first, read from the store a page at a time until every
 * output has its maxItems (a filtered output may read further), so a publish reads about as
 * many articles as it writes.
 */
import type { StoredArticle } from '../store/article-store.js';
import { matchesFilter, type OutputFilter } from './output-filter.js';

export interface WindowPlan {
  folder: string;
  filter: OutputFilter | null;
}

export interface WindowSettings {
  maxItems: number;
  /** Articles read at most for one publish (a filter that matches little stops there). */
  maxScanned: number;
}

/** Reads a page of stored articles (those that have a body), newest first; [] at the end. */
export type PageReader = (offset: number, count: number) => Promise<{ read: number; articles: StoredArticle[] }>;

export async function selectWindows(plans: WindowPlan[], readPage: PageReader, settings: WindowSettings, tagsOf: (sourceId: string) => string[]): Promise<Map<string, StoredArticle[]>> {
  const windows = new Map(plans.map((plan) => [plan.folder, [] as StoredArticle[]]));
  const full = () => plans.every((plan) => (windows.get(plan.folder)?.length ?? 0) >= settings.maxItems);
  const pageSize = Math.max(50, Math.min(500, settings.maxItems * 2));
  for (let offset = 0; offset < settings.maxScanned && !full();) {
    const page = await readPage(offset, pageSize);
    if (page.read === 0) break;
    offset += page.read;
    for (const plan of plans) {
      const window = windows.get(plan.folder) as StoredArticle[];
      for (const entry of page.articles) {
        if (window.length >= settings.maxItems) break;
        if (!plan.filter || matchesFilter(entry.article, plan.filter, tagsOf)) window.push(entry);
      }
    }
  }
  return windows;
}
