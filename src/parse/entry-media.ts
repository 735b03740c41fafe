/**
 * An entry's media, split the way a reader uses them:
 * - enclosures are what a reader would download or play: RSS `<enclosure>`, Atom
 *   `rel="enclosure"` links, and Media RSS `media:content` whose medium or MIME type is audio
 *   or video (Media RSS 1.5.1, "medium");
 * - the image is the entry's picture: a `media:content` image, then `media:thumbnail`, then
 *   `itunes:image`, then an image sent as an enclosure.
 * An author's avatar is never the entry's image: WordPress.com attaches the author's gravatar
 * to every item as a `media:content` whose `media:title` is the author.
 */
import type { RawEnclosure } from './raw-feed.js';
import { child, children, trimmedText } from './tree-text.js';
import type { XmlElement } from './xml-tree.js';

export type MediaKind = 'image' | 'audio' | 'video' | 'other';

const EXTENSIONS: Array<[MediaKind, RegExp]> = [
  ['image', /\.(jpe?g|png|gif|webp|avif|svg|bmp|heic)$/i],
  ['audio', /\.(mp3|m4a|aac|oga|ogg|opus|wav|flac)$/i],
  ['video', /\.(mp4|m4v|mov|webm|mkv|ogv|avi|m3u8)$/i],
];

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

/** What a media object is: its `medium`, else its MIME type, else its file name. */
export function mediaKind(url: string, medium: string | undefined, type: string | null | undefined): MediaKind {
  const stated = medium?.trim().toLowerCase();
  if (stated === 'image' || stated === 'audio' || stated === 'video') return stated;
  if (stated) return 'other';
  const major = type?.trim().toLowerCase().split('/')[0];
  if (major === 'image' || major === 'audio' || major === 'video') return major;
  if (type?.trim()) return 'other';
  return EXTENSIONS.find(([, pattern]) => pattern.test(pathOf(url)))?.[0] ?? 'other';
}

/** A Gravatar (or WordPress.com's own copy of one): a person's avatar, not a picture of the story. */
export function isAvatarUrl(url: string): boolean {
  try {
    const { hostname, pathname } = new URL(url);
    return /(^|\.)gravatar\.com$/i.test(hostname) && pathname.startsWith('/avatar/');
  } catch {
    return false;
  }
}

type Absolute = (value: string | null, base: string | null) => string | null;

interface MediaObject {
  url: string;
  kind: MediaKind;
  type: string | null;
  length: string | null;
  element: XmlElement;
}

/** The media elements among an element's children, by key, in one pass. */
function mediaChildren(element: XmlElement): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  for (const node of element.children) {
    if (typeof node === 'string' || !MEDIA_KEYS.has(node.key)) continue;
    const list = out.get(node.key);
    if (list) list.push(node);
    else out.set(node.key, [node]);
  }
  return out;
}

function mediaObject(element: XmlElement, absolute: Absolute): MediaObject | null {
  const url = absolute(element.attrs.url ?? null, element.base);
  return url ? { url, kind: mediaKind(url, element.attrs.medium, element.attrs.type), type: element.attrs.type ?? null, length: element.attrs.filesize ?? null, element } : null;
}

function isAvatar(media: MediaObject, authorNames: Set<string>): boolean {
  if (isAvatarUrl(media.url)) return true;
  const title = trimmedText(child(media.element, 'media:title'))?.toLowerCase();
  return title !== undefined && authorNames.has(title);
}

export interface EntryMedia {
  enclosures: RawEnclosure[];
  imageUrl: string | null;
}

const MEDIA_KEYS = new Set(['enclosure', 'media:content', 'media:group', 'media:thumbnail', 'itunes:image']);

export function entryMedia(entry: XmlElement, enclosureLinks: RawEnclosure[], authorNames: string[], absolute: Absolute): EntryMedia {
  const own = mediaChildren(entry);
  // Most entries carry no media at all, or an enclosure only.
  if (own.size === 0) return { enclosures: enclosureLinks, imageUrl: imageEnclosure(enclosureLinks) };
  const enclosures: RawEnclosure[] = [];
  for (const element of own.get('enclosure') ?? []) {
    const url = element.attrs.url ?? element.attrs.href;
    if (url) enclosures.push({ url: absolute(url, element.base) ?? url, type: element.attrs.type ?? null, length: element.attrs.length ?? null });
  }
  enclosures.push(...enclosureLinks);
  const groups = (own.get('media:group') ?? []).map(mediaChildren);
  const contents = [...(own.get('media:content') ?? []), ...groups.flatMap((group) => group.get('media:content') ?? [])];
  let media: MediaObject[] = [];
  if (contents.length > 0) {
    const names = new Set(authorNames.map((name) => name.trim().toLowerCase()).filter(Boolean));
    media = contents.map((element) => mediaObject(element, absolute)).filter((item): item is MediaObject => item !== null && !isAvatar(item, names));
  }
  for (const item of media) if (item.kind === 'audio' || item.kind === 'video') enclosures.push({ url: item.url, type: item.type, length: item.length });
  const image = media.find((item) => item.kind === 'image')?.url;
  return { enclosures, imageUrl: image ?? thumbnail([own, ...groups], contents, absolute) ?? itunesImage(own, absolute) ?? imageEnclosure(enclosures) };
}

/** `media:thumbnail` of the entry, its groups or its media objects. */
function thumbnail(scopes: Array<Map<string, XmlElement[]>>, contents: XmlElement[], absolute: Absolute): string | null {
  const candidates = [...scopes.flatMap((scope) => scope.get('media:thumbnail') ?? []), ...contents.flatMap((content) => children(content, 'media:thumbnail'))];
  for (const element of candidates) {
    const url = absolute(element.attrs.url ?? null, element.base);
    if (url && !isAvatarUrl(url)) return url;
  }
  return null;
}

function itunesImage(own: Map<string, XmlElement[]>, absolute: Absolute): string | null {
  const itunes = own.get('itunes:image')?.[0];
  const href = itunes?.attrs.href ?? trimmedText(itunes);
  return href ? absolute(href, itunes?.base ?? null) : null;
}

function imageEnclosure(enclosures: RawEnclosure[]): string | null {
  return enclosures.find((enclosure) => mediaKind(enclosure.url, undefined, enclosure.type) === 'image' && !isAvatarUrl(enclosure.url))?.url ?? null;
}
