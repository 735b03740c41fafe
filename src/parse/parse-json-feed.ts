/** JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) → RawFeed. */
import { BestEntries, type EntrySelection } from './select-entries.js';
import { emptyEntry, noHints, type RawEnclosure, type RawText, type RawEntry, type RawFeed, type RawPerson } from './raw-feed.js';

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, trimmed; anything else (wrong type, blank) counts as absent. */
function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** JSON Feed title, summary and content_text are plain text. */
function plain(value: unknown): RawText | null {
  const text = str(value);
  return text ? { value: text, html: false, base: null } : null;
}

function person(value: unknown): RawPerson | null {
  if (!isObject(value)) return null;
  const name = str(value.name);
  const url = str(value.url);
  return name || url ? { name, email: null, url } : null;
}

/** 1.1 `authors` array; 1.0 `author` object (still allowed, deprecated in 1.1). */
function authors(item: Json): RawPerson[] {
  const list = Array.isArray(item.authors) ? item.authors : item.author !== undefined ? [item.author] : [];
  return list.map(person).filter((value): value is RawPerson => value !== null);
}

function attachments(item: Json): RawEnclosure[] {
  if (!Array.isArray(item.attachments)) return [];
  return item.attachments.flatMap((attachment: unknown) => {
    if (!isObject(attachment)) return [];
    const url = str(attachment.url);
    if (!url) return [];
    const length = typeof attachment.size_in_bytes === 'number' ? attachment.size_in_bytes : null;
    return [{ url, type: str(attachment.mime_type), length }];
  });
}

/** `tags` is an array of strings (JSON Feed 1.1); some publishers send one comma-separated string. */
function tags(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  return list.flatMap((tag: unknown) => {
    const text = typeof tag === 'number' ? String(tag) : str(tag);
    return text ? [text] : [];
  });
}

function date(value: unknown): string | number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : str(value);
}

function toEntry(item: Json): RawEntry {
  // The spec requires a string id; many feeds send numbers, which mean the same thing.
  const id = typeof item.id === 'number' ? String(item.id) : str(item.id);
  return {
    ...emptyEntry(),
    guid: id,
    link: str(item.url) ?? str(item.external_url),
    title: plain(item.title),
    summary: plain(item.summary),
    content: str(item.content_html) ? { value: str(item.content_html) ?? '', html: true, base: null } : plain(item.content_text),
    authors: authors(item),
    categories: tags(item.tags),
    published: date(item.date_published),
    updated: date(item.date_modified),
    enclosures: attachments(item),
    imageUrl: str(item.image) ?? str(item.banner_image),
    language: str(item.language),
  };
}

/** True when the parsed JSON is a JSON Feed: it says so, or (version forgotten) it has an items list. */
export function isJsonFeed(value: unknown): value is Json {
  if (!isObject(value)) return false;
  return (typeof value.version === 'string' && value.version.includes('jsonfeed.org/version/')) || Array.isArray(value.items);
}

/** Items handed over one at a time (parsed from the text one by one, see json-scan.ts). */
export type ItemSource = (onItem: (item: unknown) => void) => void;

/**
 * `items`: the document's own array, or a source that reads them one at a time; with a
 * selection, the entries kept are pruned to the best `max` as they pile up (as the XML reader does).
 */
export function parseJsonFeed(document: Json, selection: EntrySelection | null = null, items?: ItemSource): RawFeed {
  const entries = new BestEntries(selection);
  const each: ItemSource = items ?? ((onItem) => (Array.isArray(document.items) ? document.items : []).forEach(onItem));
  each((item) => {
    if (isObject(item)) entries.add(toEntry(item));
  });
  return {
    format: 'json',
    version: str(document.version),
    title: plain(document.title),
    link: str(document.home_page_url),
    selfLink: str(document.feed_url),
    authors: authors(document),
    authorTexts: [],
    language: str(document.language),
    hints: noHints(),
    entries: entries.entries(),
    entryCount: entries.count,
  };
}
