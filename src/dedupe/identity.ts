/**
 * Entry identity (within a source) and story identity (across sources).
 *
 * Within a source an entry is its guid, else its canonical URL, else a hash of title and
 * content (after Miniflux). Keys must be unique within a document, or two entries would take
 * turns overwriting one stored entry and every poll would report an edit. Some feeds repeat
 * one guid on every item (a CMS default), some also one link: colliding keys take the URL,
 * then the title, and entries still alike in guid, URL and title are one entry listed twice
 * (the first is kept). All of this depends on the entries' own fields, never their position,
 * so a key stays the same from poll to poll.
 *
 * Across sources a story is its canonical URL (tracking parameters and fragment removed,
 * scheme and host lower-cased, default port dropped) or its URL-shaped guid; near-duplicate
 * texts are matched by MinHash in the store (see minhash.ts).
 *
 * Identity is worked out on the raw entry, before any normalizing: a poll only normalizes
 * the entries whose key is new or whose raw content changed.
 */
import { hash } from 'node:crypto';
import type { EntryFields } from '../normalize/normalize-entry.js';
import { canonicalUrl } from '../normalize/urls.js';

/** What identity is made of: the entry's guid, URL, plain-text title, and its content as found. */
export interface IdentityFields {
  guid: string | null;
  url: string | null;
  title: string;
  content: string;
}

export interface EntryIdentity {
  /** Identity of the entry within its source. */
  entryKey: string;
  /** Identities of the story across sources: the canonical URL, and a URL-shaped guid. */
  storyKeys: string[];
  /** The article id: the hash of the first story key, else of the source and entry key. */
  id: string;
  /** The id the entry gets when its story id is taken by another entry of the same source. */
  altId: string;
  /** An earlier entry of the same document has the same key: it is listed twice, store it once. */
  repeat: boolean;
}

export function hashText(text: string, length = 24): string {
  // crypto.hash: one call, no Hash object (a third of the cost for short inputs).
  return hash('sha256', text, 'hex').slice(0, length);
}

function baseEntryKey(entry: IdentityFields): string {
  if (entry.guid) return `g:${entry.guid}`;
  if (entry.url) return `u:${entry.url}`;
  return `h:${hashText(`${entry.title}\n${entry.content}`)}`;
}

/** The keys of `keys` that more than one entry has. */
function repeated(keys: string[]): Set<string> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return new Set([...counts].filter(([, count]) => count > 1).map(([key]) => key));
}

/**
 * Entry keys for one document, unique within it (see above) but for entries listed twice
 * (alike in guid, URL and title), which share the key of their first listing.
 */
export function entryKeys(entries: IdentityFields[]): string[] {
  let keys = entries.map(baseEntryKey);
  let clash = repeated(keys);
  keys = keys.map((key, index) => {
    const entry = entries[index];
    if (!clash.has(key) || !entry || !key.startsWith('g:')) return key;
    return `${key}|${entry.url ?? hashText(`${entry.title}\n${entry.content}`)}`;
  });
  clash = repeated(keys);
  return keys.map((key, index) => (clash.has(key) ? `${key}|t:${hashText(entries[index]?.title ?? '', 16)}` : key));
}

/** The article id: a hash of the story key, so the same URL from any source gives the same id. */
/** The short hash an entry is listed under in its source's listing (the store's `ekh`). */
export function entryKeyHash(entryKey: string): string {
  return hashText(entryKey, 16);
}

export function articleId(sourceId: string, entryKey: string, storyKey: string | null): string {
  return hashText(storyKey ?? `${sourceId}\n${entryKey}`);
}

/** Canonical URL, then a guid that is itself an http(s) URL (many feeds put the permalink there). */
export function storyKeys(entry: Pick<IdentityFields, 'url' | 'guid'>): string[] {
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

/** Identify a document's entries; a later listing of an entry is marked `repeat`. */
export function identify(sourceId: string, entries: IdentityFields[]): EntryIdentity[] {
  const keys = entryKeys(entries);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const entryKey = keys[index] ?? baseEntryKey(entry);
    const repeat = seen.has(entryKey);
    seen.add(entryKey);
    const stories = storyKeys(entry);
    return { entryKey, storyKeys: stories, id: articleId(sourceId, entryKey, stories[0] ?? null), altId: articleId(sourceId, entryKey, null), repeat };
  });
}

/** The identity fields of a normalized entry (tests and benchmarks that start from fields). */
export function identityOf(entry: EntryFields): IdentityFields {
  return { guid: entry.guid, url: entry.url, title: entry.title, content: entry.contentHtml ?? entry.summary ?? '' };
}
