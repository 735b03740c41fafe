/**
 * Which articles an extra output shows: by source tags, by source ids, and by keywords or
 * regular expressions on title and text. Pure.
 */
import { htmlToText } from '../normalize/html-to-text.js';
import type { Article } from '../model/article.js';

export interface OutputFilter {
  tags: string[];
  sources: string[];
  include: RegExp[];
  exclude: RegExp[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `/pattern/flags` is a regular expression; anything else a keyword or phrase, matched
 * case-insensitively as whole words. Throws SyntaxError on a bad pattern (config validation
 * calls this once, at start-up).
 */
export function compileMatcher(text: string): RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (literal?.[1] !== undefined) return new RegExp(literal[1], literal[2]?.includes('i') ? literal[2] : `${literal[2] ?? ''}i`);
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(text.trim())}(?![\\p{L}\\p{N}])`, 'iu');
}

export function matchesFilter(article: Article, filter: OutputFilter, tagsOfSource: (sourceId: string) => string[]): boolean {
  if (filter.sources.length > 0 && !article.sources.some((source) => filter.sources.includes(source.sourceId))) return false;
  if (filter.tags.length > 0) {
    const tags = new Set(article.sources.flatMap((source) => tagsOfSource(source.sourceId)));
    if (!filter.tags.some((tag) => tags.has(tag))) return false;
  }
  if (filter.include.length === 0 && filter.exclude.length === 0) return true;
  const text = [article.title, article.summary ?? '', article.contentHtml ? htmlToText(article.contentHtml) : '', article.categories.join(' ')].join('\n');
  if (filter.include.length > 0 && !filter.include.some((pattern) => pattern.test(text))) return false;
  return !filter.exclude.some((pattern) => pattern.test(text));
}
