/**
 * Field-by-field comparison of our parse output with feedparser 6.0.10's reference dump.
 * Pure. A field counts for a file when either side has a value (two nulls prove nothing).
 *
 * Deliberate differences, normalized away before comparing (see docs/conformance.md):
 * - titles: feedparser keeps HTML in titles; ours are plain text, so the reference title is
 *   reduced to text the same way (or read as plain text, when its type was text); a title we
 *   fill from the summary, where feedparser has none, is not counted;
 * - authors: feedparser reports the last of several authors, we keep all: agreement means
 *   the reference author is among ours; an Atom entry's author taken from its feed (RFC 4287
 *   4.2.1), where feedparser gives the entry none, is not counted;
 * - links: we remove tracking parameters (utm_*, fbclid, …); the same is done to the reference;
 * - dates: compared as instants to the second (feedparser drops fractions);
 * - summaries: compared as plain text, whitespace collapsed, on the first 200 characters.
 *   feedparser copies an entry's content into `summary` when it has none, so our side is the
 *   summary, else the text of the content; a summary we fill from content where feedparser
 *   has none is not counted.
 *
 * What counts: the entry count once per file (when either side has an entry: two empty
 * files prove nothing), each field of each entry once, the feed's title and link once.
 */
import { htmlToText } from '../../src/normalize/html-to-text.js';
import { removeTrackingParams } from '../../src/normalize/urls.js';

export const FIELDS = ['entries', 'feed.title', 'feed.link', 'title', 'link', 'id', 'date', 'author', 'categories', 'enclosures', 'summary'] as const;
export type Field = (typeof FIELDS)[number];

export interface ReferenceEntry {
  title?: string | null;
  link?: string | null;
  id?: string | null;
  published?: string | null;
  updated?: string | null;
  author?: string | null;
  author_detail?: { name?: string | null; email?: string | null } | null;
  categories?: string[];
  enclosure_details?: Array<{ href?: string | null }>;
  summary?: string | null;
  summary_type?: string | null;
  content_types?: string[];
}

export interface ReferenceDump {
  entry_count?: number;
  entries?: ReferenceEntry[];
  feed?: { title?: string | null; link?: string | null; author?: string | null };
  reference_error?: string;
}

export interface OurArticle {
  title: string;
  url: string | null;
  guid: string | null;
  publishedAt: string | null;
  authors: Array<{ name: string }>;
  categories: string[];
  enclosures: Array<{ url: string }>;
  summary: string | null;
  contentHtml: string | null;
}

export interface OurResult {
  path: string;
  feed?: { title: string | null; link: string | null };
  articles?: OurArticle[];
  error?: { code: string; message: string };
}

export interface Difference {
  field: Field;
  entry: number | null;
  expected: unknown;
  actual: unknown;
}

export interface FileComparison {
  path: string;
  counted: Partial<Record<Field, number>>;
  agreed: Partial<Record<Field, number>>;
  differences: Difference[];
  /** The reference has entries and we have none. */
  lostEntries: boolean;
}

function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const plain = htmlToText(value);
  return plain === '' ? null : plain;
}

/** A link is an absolute URL: feedparser copies any Atom id into `link` (`right`, `Correct Value`), which names no page. */
function link(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    return removeTrackingParams(new URL(value).toString());
  } catch {
    return null;
  }
}

/** Whole seconds: feedparser drops fractional seconds. */
function instant(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) * 1000 : null;
}

/** The reference value read as plain text (feedparser keeps text titles with literal brackets). */
function plain(value: string | null | undefined): string | null {
  const collapsed = value?.replace(/\s+/g, ' ').trim();
  return collapsed ? collapsed : null;
}

function sortedList(values: Array<string | null | undefined>): string[] | null {
  const list = values.filter((value): value is string => Boolean(value)).map((value) => value.trim()).sort();
  return list.length === 0 ? null : list;
}

function referenceAuthor(entry: ReferenceEntry): string | null {
  return text(entry.author_detail?.name ?? null) ?? text(entry.author_detail?.email ?? null) ?? text(entry.author ?? null);
}

const SUMMARY_CHARACTERS = 200;

/** The first 200 characters of a text, whitespace collapsed. */
function opening(value: string | null | undefined): string | null {
  const collapsed = plain(value);
  return collapsed ? [...collapsed].slice(0, SUMMARY_CHARACTERS).join('') : null;
}

/**
 * feedparser's summary, read as its type says (a summary copied from content has the content's
 * type), then read the other way: feedparser keeps the type of an empty `<summary>` for the
 * content it copies in, and Atom 0.3 base64 summaries are typed text/plain with markup inside.
 * Either reading agrees, as for titles.
 */
function referenceSummaries(entry: ReferenceEntry): [string | null, string | null] {
  const value = entry.summary ?? null;
  const type = entry.summary_type ?? entry.content_types?.[0] ?? 'text/html';
  const readings: [string | null, string | null] = [opening(text(value)), opening(value)];
  return type === 'text/plain' ? [readings[1], readings[0]] : readings;
}

/** Our summary and whether it was filled from the content (no summary of its own). */
function ourSummary(article: OurArticle): { value: string | null; filled: boolean } {
  const content = article.contentHtml ? opening(htmlToText(article.contentHtml)) : null;
  const summary = opening(article.summary);
  if (summary === null) return { value: content, filled: content !== null };
  return { value: summary, filled: content !== null && summary === content };
}

function same(expected: unknown, actual: unknown): boolean {
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/**
 * `asserted`: what the file's own test asserts (see expectations.ts), by `field` or
 * `field#entry`; where feedparser's output contradicts it, the asserted value agrees too.
 */
export function compareFile(path: string, reference: ReferenceDump, ours: OurResult, asserted: Map<string, string> = new Map()): FileComparison {
  const result: FileComparison = { path, counted: {}, agreed: {}, differences: [], lostEntries: false };
  const claim = (key: string, read: (value: string) => string | null): unknown[] => {
    const value = asserted.get(key);
    return value === undefined ? [] : [read(value)];
  };
  const check = (field: Field, entry: number | null, expected: unknown, actual: unknown, always = false, alternatives: unknown[] = []) => {
    if (!always && (expected === null || expected === undefined) && (actual === null || actual === undefined)) return;
    result.counted[field] = (result.counted[field] ?? 0) + 1;
    if ([expected, ...alternatives].some((candidate) => same(candidate ?? null, actual ?? null))) result.agreed[field] = (result.agreed[field] ?? 0) + 1;
    else result.differences.push({ field, entry, expected: expected ?? null, actual: actual ?? null });
  };
  const refEntries = reference.entries ?? [];
  const ourEntries = ours.articles ?? [];
  if (refEntries.length > 0 || ourEntries.length > 0) check('entries', null, refEntries.length, ourEntries.length, true);
  result.lostEntries = refEntries.length > 0 && ourEntries.length === 0;
  check('feed.title', null, text(reference.feed?.title), ours.feed?.title ?? null, false, [plain(reference.feed?.title), ...claim('feed.title', text), ...claim('feed.title', plain)]);
  check('feed.link', null, link(reference.feed?.link), link(ours.feed?.link), false, claim('feed.link', link));
  const count = Math.min(refEntries.length, ourEntries.length);
  const feedAuthor = text(reference.feed?.author);
  for (let index = 0; index < count; index += 1) {
    const expected = refEntries[index] as ReferenceEntry;
    const actual = ourEntries[index] as OurArticle;
    // A missing title is filled from the summary on purpose: count titles the reference has.
    if (expected.title) check('title', index, text(expected.title), actual.title || null, false, [plain(expected.title), ...claim(`title#${index}`, text), ...claim(`title#${index}`, plain)]);
    check('link', index, link(expected.link), link(actual.url), false, claim(`link#${index}`, link));
    check('id', index, expected.id?.trim() || null, actual.guid, false, claim(`id#${index}`, (value) => value.trim() || null));
    check('date', index, instant(expected.published ?? expected.updated), instant(actual.publishedAt));
    // feedparser reports the last of several authors; we keep them all, in order.
    const author = referenceAuthor(expected);
    const names = actual.authors.map((person) => person.name);
    // RFC 4287 4.2.1: an Atom entry without authors has its feed's, which feedparser leaves on
    // the feed only; an author taken so, where feedparser gives the entry none, is not counted.
    const inherited = author === null && feedAuthor !== null && names.length > 0 && names.every((name) => feedAuthor.includes(name));
    if (!inherited) check('author', index, author, author !== null && names.includes(author) ? author : (names[0] ?? null));
    check('categories', index, sortedList(expected.categories ?? []), sortedList(actual.categories));
    check('enclosures', index, sortedList((expected.enclosure_details ?? []).map((item) => link(item.href))), sortedList(actual.enclosures.map((item) => link(item.url))));
    const [reference, otherReading] = referenceSummaries(expected);
    const summary = ourSummary(actual);
    if (reference !== null || !summary.filled) check('summary', index, reference, summary.value, false, [otherReading, ...claim(`summary#${index}`, (value) => opening(text(value))), ...claim(`summary#${index}`, opening)]);
  }
  return result;
}

export interface Summary {
  files: number;
  perField: Array<{ field: Field; counted: number; agreed: number }>;
  counted: number;
  agreed: number;
  lostFiles: string[];
}

export function summarize(comparisons: FileComparison[]): Summary {
  const perField = FIELDS.map((field) => ({
    field,
    counted: comparisons.reduce((sum, file) => sum + (file.counted[field] ?? 0), 0),
    agreed: comparisons.reduce((sum, file) => sum + (file.agreed[field] ?? 0), 0),
  }));
  return {
    files: comparisons.length,
    perField,
    counted: perField.reduce((sum, row) => sum + row.counted, 0),
    agreed: perField.reduce((sum, row) => sum + row.agreed, 0),
    lostFiles: comparisons.filter((file) => file.lostEntries).map((file) => file.path),
  };
}
