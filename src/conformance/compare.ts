/**
 * Field-by-field comparison of our parse output with feedparser 6.0.10's reference dump.
 * Pure. A field counts for a file when either side has a value (two nulls prove nothing).
 *
 * Deliberate differences, normalized away before comparing (see README "Conformance"):
 * - titles: feedparser keeps HTML in titles; ours are plain text, so the reference title is
 *   reduced to text the same way (or read as plain text, when its type was text); a title we
 *   fill from the summary, where feedparser has none, is not counted;
 * - authors: feedparser reports the last of several authors, we keep all: agreement means
 *   the reference author is among ours;
 * - links: we remove tracking parameters (utm_*, fbclid, …); the same is done to the reference;
 * - dates: compared as instants to the second (feedparser drops fractions).
 */
import { htmlToText } from '../normalize/html-to-text.js';
import { removeTrackingParams } from '../normalize/urls.js';

export const FIELDS = ['entries', 'feed.title', 'feed.link', 'title', 'link', 'id', 'date', 'author', 'categories', 'enclosures'] as const;
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
}

export interface ReferenceDump {
  entry_count?: number;
  entries?: ReferenceEntry[];
  feed?: { title?: string | null; link?: string | null };
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

function link(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    return removeTrackingParams(new URL(value).toString());
  } catch {
    return value;
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

function same(expected: unknown, actual: unknown): boolean {
  return JSON.stringify(expected) === JSON.stringify(actual);
}

export function compareFile(path: string, reference: ReferenceDump, ours: OurResult): FileComparison {
  const result: FileComparison = { path, counted: {}, agreed: {}, differences: [], lostEntries: false };
  const check = (field: Field, entry: number | null, expected: unknown, actual: unknown, always = false, alternatives: unknown[] = []) => {
    if (!always && (expected === null || expected === undefined) && (actual === null || actual === undefined)) return;
    result.counted[field] = (result.counted[field] ?? 0) + 1;
    if ([expected, ...alternatives].some((candidate) => same(candidate ?? null, actual ?? null))) result.agreed[field] = (result.agreed[field] ?? 0) + 1;
    else result.differences.push({ field, entry, expected: expected ?? null, actual: actual ?? null });
  };
  const refEntries = reference.entries ?? [];
  const ourEntries = ours.articles ?? [];
  check('entries', null, refEntries.length, ourEntries.length, true);
  result.lostEntries = refEntries.length > 0 && ourEntries.length === 0;
  check('feed.title', null, text(reference.feed?.title), ours.feed?.title ?? null, false, [plain(reference.feed?.title)]);
  check('feed.link', null, link(reference.feed?.link), link(ours.feed?.link));
  const count = Math.min(refEntries.length, ourEntries.length);
  for (let index = 0; index < count; index += 1) {
    const expected = refEntries[index] as ReferenceEntry;
    const actual = ourEntries[index] as OurArticle;
    // A missing title is filled from the summary on purpose: count titles the reference has.
    if (expected.title) check('title', index, text(expected.title), actual.title || null, false, [plain(expected.title)]);
    check('link', index, link(expected.link), link(actual.url));
    check('id', index, expected.id?.trim() || null, actual.guid);
    check('date', index, instant(expected.published ?? expected.updated), instant(actual.publishedAt));
    // feedparser reports the last of several authors; we keep them all, in order.
    const author = referenceAuthor(expected);
    const names = actual.authors.map((person) => person.name);
    check('author', index, author, author !== null && names.includes(author) ? author : (names[0] ?? null));
    check('categories', index, sortedList(expected.categories ?? []), sortedList(actual.categories));
    check('enclosures', index, sortedList((expected.enclosure_details ?? []).map((item) => link(item.href))), sortedList(actual.enclosures.map((item) => link(item.url))));
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
