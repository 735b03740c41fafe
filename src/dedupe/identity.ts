/**
 * Entry identity (within a source) and story identity (across sources).
 *
 * Within a source an entry is its guid, else its canonical URL, else a hash of title and
 * content (after Miniflux). Some feeds repeat one guid on every item (a CMS default): when a
 * guid repeats inside one document with a different URL, the URL joins the key so distinct
 * entries never collapse into one.
 *
 * Across sources a story is its canonical URL (tracking parameters and fragment removed,
 * scheme and host lower-cased, default port dropped) or its URL-shaped guid; near-duplicate
 * texts are matched by MinHash in the store (see minhash.ts).
 */
import { createHash } from 'node:crypto';
import type { Article } from '../model/article.js';
import type { EntryFields } from '../normalize/normalize-entry.js';
import { canonicalUrl } from '../normalize/urls.js';

export interface IdentifiedEntry {
  article: Article;
  /** Identity of the entry within its source. */
  entryKey: string;
  /** Identities of the story across sources: the canonical URL, and a URL-shaped guid. */
  storyKeys: string[];
  /** The id the entry gets when its story id is taken by another entry of the same source. */
  altId: string;
}

export function hashText(text: string, length = 24): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function baseEntryKey(entry: EntryFields): string {
  if (entry.guid) return `g:${entry.guid}`;
  if (entry.url) return `u:${entry.url}`;
  return `h:${hashText(`${entry.title}\n${entry.contentHtml ?? entry.summary ?? ''}`)}`;
}

/** Entry keys for one document, unique within it (see the repeated-guid note above). */
export function entryKeys(entries: EntryFields[]): string[] {
  const counts = new Map<string, number>();
  const keys = entries.map(baseEntryKey);
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return keys.map((key, index) => {
    if ((counts.get(key) ?? 0) < 2 || !key.startsWith('g:')) return key;
    const entry = entries[index];
    return `${key}|${entry?.url ?? hashText(`${entry?.title ?? ''}\n${entry?.contentHtml ?? ''}`)}`;
  });
}

/** The article id: a hash of the story key, so the same URL from any source gives the same id. */
export function articleId(sourceId: string, entryKey: string, storyKey: string | null): string {
  return hashText(storyKey ?? `${sourceId}\n${entryKey}`);
}

/** Canonical URL, then a guid that is itself an http(s) URL (many feeds put the permalink there). */
export function storyKeys(entry: Pick<EntryFields, 'url' | 'guid'>): string[] {
  const keys: string[] = [];
  for (const value of [entry.url, entry.guid]) {
    if (!value || !/^https?:\/\//i.test(value)) continue;
    try {
      const key = canonicalUrl(value);
      if (!keys.includes(key)) keys.push(key);
    } catch {
      // not a URL after all
    }
  }
  return keys;
}

export function identifyEntries(sourceId: string, entries: EntryFields[], now: Date): IdentifiedEntry[] {
  const keys = entryKeys(entries);
  const seenAt = now.toISOString();
  return entries.map((entry, index) => {
    const entryKey = keys[index] ?? baseEntryKey(entry);
    const stories = storyKeys(entry);
    return {
      entryKey,
      storyKeys: stories,
      altId: articleId(sourceId, entryKey, null),
      article: {
        id: articleId(sourceId, entryKey, stories[0] ?? null),
        sourceId,
        sources: [{ sourceId, url: entry.url, seenAt }],
        ...entry,
      },
    };
  });
}
