/**
 * Which articles an extra output shows: by source tags, by source ids, and by keywords or
 * regular expressions on title and text. Pure.
 */
import { htmlToText } from '../normalize/html-to-text.js';
import type { Article } from '../model/article.js';
import { matcherSource } from '../../config/matcher.js';

export interface OutputFilter {
  tags: string[];
  sources: string[];
  include: RegExp[];
  exclude: RegExp[];
}

/** An include/exclude entry of the config, compiled (its meaning is config/matcher.ts's). */
export function compileMatcher(text: string): RegExp {
  const { source, flags } = matcherSource(text);
  return new RegExp(source, flags);
}

export function matchesFilter(article: Article, filter: OutputFilter, tagsOfSource: (sourceId: string) => string[]): boolean {
  if (filter.sources.length > 0 && !article.sources.some((source) => filter.sources.includes(source.sourceId))) return false;
  if (filter.tags.length > 0) {
    const tags = new Set(article.sources.flatMap((source) => tagsOfSource(source.sourceId)));
    if (!filter.tags.some((tag) => tags.has(tag))) return false;
  }
  return matchesText(article, filter.include, filter.exclude);
}

/** Kept by keywords: one of `include` (when any) matches the title, text or categories, and none of `exclude`. */
export function matchesText(article: Pick<Article, 'title' | 'summary' | 'contentHtml' | 'categories'>, include: RegExp[], exclude: RegExp[]): boolean {
  if (include.length === 0 && exclude.length === 0) return true;
  const text = [article.title, article.summary ?? '', article.contentHtml ? htmlToText(article.contentHtml) : '', article.categories.join(' ')].join('\n');
  if (include.length > 0 && !include.some((pattern) => pattern.test(text))) return false;
  return !exclude.some((pattern) => pattern.test(text));
}
