/**
 * "RSS in JSON": an RSS 2.0 document written as JSON, `{"rss": {"channel": {"item": [...]}}}`,
 * as rss.js (Dave Winer's RSS-in-JSON) and XML-to-JSON converters publish it. Read as RSS:
 * the same element names, with text and attributes in the shapes those converters produce
 * (`"title": "…"`, `{"#value": "…"}`, `{"_": "…", "$": {…}}`, `"@url"`).
 */
import { isObject } from './parse-json-feed.js';
import { keepBest, type EntrySelection } from './select-entries.js';
import { looksLikeHtml } from './tree-text.js';
import { emptyEntry, noHints, type RawEnclosure, type RawEntry, type RawFeed, type RawText } from './raw-feed.js';

type Json = Record<string, unknown>;

const TEXT_KEYS = ['#value', '#text', '_', '$t', 'value', 'text', 'content'];

/** The text of a value: a string or number, or the text key of an element object. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (isObject(value)) for (const key of TEXT_KEYS) if (key in value) return textOf(value[key]);
  return null;
}

/** An attribute of an element object: `name`, `@name` or `$: { name }`. */
function attribute(value: unknown, name: string): string | null {
  if (!isObject(value)) return null;
  const attributes = isObject(value.$) ? value.$ : isObject(value['@attributes']) ? value['@attributes'] : {};
  return textOf(value[name] ?? value[`@${name}`] ?? attributes[name]);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** RSS description and content are HTML (RSS 2.0 "description": entity-encoded HTML is allowed). */
function html(value: unknown): RawText | null {
  const text = textOf(value);
  return text ? { value: text, html: true, base: null } : null;
}

/** A title is plain text unless it carries markup or entities, as the XML reader decides. */
function titleText(value: unknown): RawText | null {
  const text = textOf(value);
  return text ? { value: text, html: looksLikeHtml(text), base: null } : null;
}

function plain(value: unknown): RawText | null {
  const text = textOf(value);
  return text ? { value: text, html: false, base: null } : null;
}

function enclosures(item: Json): RawEnclosure[] {
  return list(item.enclosure).flatMap((enclosure) => {
    const url = attribute(enclosure, 'url');
    return url ? [{ url, type: attribute(enclosure, 'type'), length: attribute(enclosure, 'length') }] : [];
  });
}

function toEntry(item: Json): RawEntry {
  const guid = item.guid;
  const id = textOf(guid);
  const permalink = id && attribute(guid, 'isPermaLink')?.toLowerCase() !== 'false' && /^https?:\/\//i.test(id) ? id : null;
  return {
    ...emptyEntry(),
    guid: id,
    link: textOf(item.link) ?? permalink,
    title: titleText(item.title),
    summary: html(item.description),
    content: html(item['content:encoded'] ?? item.contentEncoded),
    authorTexts: [...list(item.author), ...list(item['dc:creator'])].map(textOf).filter((name): name is string => name !== null),
    categories: list(item.category).map(textOf).filter((name): name is string => name !== null),
    published: textOf(item.pubDate ?? item['dc:date']),
    enclosures: enclosures(item),
  };
}

/** The channel of an RSS-in-JSON document, or null when the JSON is not one. */
export function rssJsonChannel(document: unknown): Json | null {
  if (!isObject(document) || !isObject(document.rss)) return null;
  return isObject(document.rss.channel) ? document.rss.channel : null;
}

export function parseRssJson(channel: Json, selection: EntrySelection | null = null): RawFeed {
  const entries = list(channel.item).filter(isObject).map(toEntry);
  return {
    format: 'rss',
    version: 'json',
    title: plain(channel.title),
    link: textOf(channel.link),
    selfLink: null,
    authors: [],
    authorTexts: [...list(channel.managingEditor), ...list(channel['dc:creator'])].map(textOf).filter((name): name is string => name !== null),
    language: textOf(channel.language),
    hints: noHints(),
    entries: selection ? keepBest(entries, selection) : entries,
    entryCount: entries.length,
  };
}
