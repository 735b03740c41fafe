import { describe, expect, it } from 'vitest';
import type { Article } from '../model/article.js';
import { compileMatcher, matchesFilter, type OutputFilter } from './output-filter.js';

const article = (overrides: Partial<Article>): Article => ({
  id: 'x', sourceId: 'wire', sources: [{ sourceId: 'wire', url: null, seenAt: '2026-11-26T00:00:00Z' }], guid: null, url: null,
  title: 'Rust 2.0 released', summary: 'The compiler is faster.', contentHtml: '<p>Also: <b>async</b> closures.</p>', authors: [], categories: ['programming'],
  publishedAt: null, updatedAt: null, enclosures: [], imageUrl: null, language: null, ...overrides,
});
const filter = (overrides: Partial<OutputFilter>): OutputFilter => ({ tags: [], sources: [], include: [], exclude: [], ...overrides });
const tags: Record<string, string[]> = { wire: ['tech', 'news'], blog: ['personal'] };
const tagsOf = (id: string) => tags[id] ?? [];

describe('output filters', () => {
  it.each([
    ['no filter', filter({}), true],
    ['a tag of its source', filter({ tags: ['tech'] }), true],
    ['a tag of no source', filter({ tags: ['sport'] }), false],
    ['its source id', filter({ sources: ['wire'] }), true],
    ['another source id', filter({ sources: ['blog'] }), false],
    ['a keyword in the title', filter({ include: [compileMatcher('rust')] }), true],
    ['a keyword in the text', filter({ include: [compileMatcher('Async')] }), true],
    ['a keyword only as part of a word', filter({ include: [compileMatcher('rus')] }), false],
    ['a regular expression', filter({ include: [compileMatcher('/\\d+\\.\\d+/')] }), true],
    ['an excluded keyword', filter({ exclude: [compileMatcher('compiler')] }), false],
    ['an excluded category', filter({ exclude: [compileMatcher('programming')] }), false],
    ['tags and an include together', filter({ tags: ['tech'], include: [compileMatcher('python')] }), false],
  ])('%s → %s', (_name, rules, expected) => {
    expect(matchesFilter(article({}), rules, tagsOf)).toBe(expected);
  });

  it('a merged story matches through any of its sources', () => {
    const merged = article({ sources: [{ sourceId: 'blog', url: null, seenAt: 'a' }, { sourceId: 'wire', url: null, seenAt: 'b' }] });
    expect(matchesFilter(merged, filter({ tags: ['tech'] }), tagsOf)).toBe(true);
  });

  it('rejects a bad regular expression', () => {
    expect(() => compileMatcher('/(unclosed/')).toThrow(SyntaxError);
  });
});
