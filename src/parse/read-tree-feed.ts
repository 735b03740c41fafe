/**
 * XmlElement tree → RawFeed, for RSS 0.90–0.94 and 2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0.
 * Like feedparser, elements are read by name wherever the structure is sloppy: items outside
 * a channel are still items, and Atom and RSS names share one reader.
 */
import { FeedaggError } from '../errors.js';
import { entryMedia } from './entry-media.js';
import { BestEntries, type EntrySelection } from './select-entries.js';
import { emptyEntry, type FeedFormat, type FeedHints, type RawEntry, type RawFeed, type RawPerson } from './raw-feed.js';
import { child, childElements, children, textConstruct, trimmedText } from './tree-text.js';
import { ENTRY_KEYS, type XmlElement } from './xml-tree.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function absolute(value: string | null, base: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value.trim(), base ?? undefined).toString();
  } catch {
    return value.trim();
  }
}

/** Every item/entry in document order, not looking inside another entry. */
function findEntries(element: XmlElement, out: XmlElement[] = []): XmlElement[] {
  for (const node of childElements(element)) {
    if (ENTRY_KEYS.has(node.key)) out.push(node);
    else findEntries(node, out);
  }
  return out;
}

function detectFormat(root: XmlElement): { format: FeedFormat; version: string | null } {
  if (root.key === 'rdf:rdf') return { format: 'rdf', version: '1.0' };
  if (root.key === 'feed') return { format: 'atom', version: root.attrs.version === '0.3' ? 'atom03' : 'atom10' };
  return { format: 'rss', version: root.attrs.version ?? null };
}

/** Links: RSS `<link>text</link>`, Atom `<link href rel type>` (Atom 0.3 sometimes puts the URL in the text). */
interface Link {
  href: string;
  rel: string;
  type: string | null;
  length: string | null;
}

function links(element: XmlElement): Link[] {
  return children(element, 'link').flatMap((link) => {
    const href = link.attrs.href ?? trimmedText(link);
    if (!href) return [];
    return [{ href: absolute(href, link.base) ?? href, rel: (link.attrs.rel ?? 'alternate').trim().toLowerCase(), type: link.attrs.type ?? null, length: link.attrs.length ?? null }];
  });
}

/** RFC 4287 4.2.7.2: rel="alternate" (the default) is the entry's page. CDF puts it in HREF. */
function alternateLink(element: XmlElement, list: Link[] = links(element)): string | null {
  const alternate = list.find((link) => link.rel === 'alternate')?.href;
  return alternate ?? (element.attrs.href ? absolute(element.attrs.href, element.base) : null);
}

/** An Atom id that is (or resolves to) an http(s) URL stands in for a missing link, as in feedparser. */
function idLink(element: XmlElement, format: FeedFormat): string | null {
  const id = format === 'atom' ? atomId(element) : null;
  return id && /^https?:\/\//i.test(id) ? id : null;
}

/** Atom ids are IRIs (RFC 4287 4.2.6): a relative one resolves against xml:base, as feedparser does. */
function atomId(element: XmlElement): string | null {
  const id = child(element, 'id');
  const value = trimmedText(id);
  if (!id || !value) return null;
  return /^[a-z][a-z0-9+.-]*:/i.test(value) || !id.base?.startsWith('http') ? value : absolute(value, id.base);
}

/** An Atom person; one with neither name nor email names nobody (a bare URI is not an author). */
function person(element: XmlElement): RawPerson | null {
  const name = trimmedText(child(element, 'name'));
  const email = trimmedText(child(element, 'email'));
  const url = absolute(trimmedText(child(element, 'uri', 'url', 'homepage')), element.base);
  return name || email ? { name, email, url } : null;
}

const AUTHOR_KEYS = ['author', 'dc:creator', 'dc:author', 'itunes:author'];
/** A channel's people: RSS 2.0 names its editor in managingEditor. */
const FEED_AUTHOR_KEYS = [...AUTHOR_KEYS, 'managingeditor'];

function authors(entry: XmlElement, keys: string[] = AUTHOR_KEYS): { people: RawPerson[]; texts: string[] } {
  const people: RawPerson[] = [];
  const texts: string[] = [];
  for (const element of children(entry, ...keys)) {
    if (childElements(element).length === 0) {
      const text = trimmedText(element);
      if (text) texts.push(text);
      continue;
    }
    const structured = person(element);
    if (structured) people.push(structured);
  }
  return { people, texts };
}

function itunesCategories(element: XmlElement): string[] {
  return children(element, 'itunes:category').flatMap((category) => [category.attrs.text?.trim() ?? '', ...itunesCategories(category)]);
}

/** Only the element's own text: a category may wrap unrelated elements (an image, a link). */
function ownText(element: XmlElement): string {
  return element.children.filter((node): node is string => typeof node === 'string').join('').trim();
}

/** Elements whose insides are text or a feed of their own, not the entry's metadata. */
const NOT_METADATA = new Set(['source', 'content', 'content:encoded', 'xhtml:body', 'description', 'summary', 'item', 'entry']);

/** Every element below the entry in document order, not looking inside NOT_METADATA ones. */
function metadataElements(element: XmlElement, out: XmlElement[] = []): XmlElement[] {
  for (const node of childElements(element)) {
    out.push(node);
    if (!NOT_METADATA.has(node.key)) metadataElements(node, out);
  }
  return out;
}

const CATEGORY_KEYS = new Set(['category', 'dc:subject', 'media:category']);
const KEYWORD_KEYS = new Set(['tags', 'itunes:keywords', 'media:keywords']);

/**
 * Categories wherever they sit inside the entry, as feedparser reads them: a publisher's
 * `<categories><category>` wrapper too. Media RSS `media:keywords` and iTunes keywords are
 * comma-separated lists.
 */
function categories(entry: XmlElement): string[] {
  const out: string[] = [];
  for (const element of metadataElements(entry)) {
    if (CATEGORY_KEYS.has(element.key)) out.push(element.attrs.term ?? (ownText(element) || element.attrs.label) ?? '');
    else if (KEYWORD_KEYS.has(element.key)) out.push(...ownText(element).split(','));
  }
  out.push(...itunesCategories(entry));
  return out.map((value) => value.trim()).filter(Boolean);
}

/** RSS guid; Atom id; RSS 1.0 rdf:about. */
function entryId(entry: XmlElement, format: FeedFormat): string | null {
  const guid = child(entry, 'guid');
  if (guid) return trimmedText(guid);
  const id = format === 'atom' ? atomId(entry) : trimmedText(child(entry, 'id'));
  return id ?? entry.attrs['rdf:about'] ?? null;
}

/** RSS 2.0: a guid is a permalink unless isPermaLink="false". */
function permalink(entry: XmlElement): string | null {
  const guid = child(entry, 'guid');
  const value = trimmedText(guid);
  if (!guid || !value || guid.attrs.ispermalink?.trim().toLowerCase() === 'false') return null;
  return /^https?:\/\//i.test(value) ? value : null;
}

/**
 * The summary element: the first of the usual ones, then Media RSS `media:description`. An
 * RSS item with both `<summary>` and `<description>` (and no content) has its summary in the
 * one that comes first and its content in the other, as feedparser reads it.
 */
function summaryAndContent(entry: XmlElement): { summary: XmlElement | undefined; content: XmlElement | undefined } {
  const content = child(entry, 'content:encoded', 'content', 'xhtml:body', 'body', 'fullitem');
  const [first, second] = children(entry, 'summary', 'description');
  if (!content && first && second && first.key !== second.key) return { summary: first, content: second };
  const media = child(entry, 'media:description') ?? children(entry, 'media:group').map((group) => child(group, 'media:description')).find(Boolean);
  return { summary: child(entry, 'description', 'summary', 'dc:description', 'abstract', 'itunes:summary', 'itunes:subtitle') ?? media, content };
}

/** The last of several: a repeated `<updated>` overwrites, as in feedparser. */
function last(entry: XmlElement, ...keys: string[]): XmlElement | undefined {
  return children(entry, ...keys).at(-1);
}

function readEntry(entry: XmlElement, format: FeedFormat): RawEntry {
  const { people, texts } = authors(entry);
  const { summary, content } = summaryAndContent(entry);
  const entryLinks = links(entry);
  const enclosureLinks = entryLinks.filter((link) => link.rel === 'enclosure').map((link) => ({ url: link.href, type: link.type, length: link.length }));
  const media = entryMedia(entry, enclosureLinks, [...texts, ...people.map((person) => person.name ?? '')], absolute);
  return {
    ...emptyEntry(),
    guid: entryId(entry, format),
    link: alternateLink(entry, entryLinks) ?? permalink(entry) ?? idLink(entry, format),
    title: textConstruct(child(entry, 'title', 'dc:title', 'media:title')),
    summary: textConstruct(summary),
    content: textConstruct(content),
    authors: people,
    authorTexts: texts,
    categories: categories(entry),
    published: trimmedText(child(entry, 'pubdate', 'published', 'dc:date', 'dcterms:issued', 'issued')),
    updated: trimmedText(last(entry, 'updated') ?? child(entry, 'modified', 'dcterms:modified')) ?? entry.attrs.lastmod ?? null,
    enclosures: media.enclosures,
    imageUrl: media.imageUrl,
    language: trimmedText(child(entry, 'dc:language', 'language')) ?? entry.attrs['xml:lang'] ?? null,
  };
}

function positiveNumber(text: string | null): number | null {
  const value = Number(text);
  return text !== null && Number.isFinite(value) && value > 0 ? value : null;
}

/** RSS 2.0 <ttl>, <skipHours>/<hour>, <skipDays>/<day>; RSS 1.0 syndication module sy:*. */
function feedHints(channel: XmlElement): FeedHints {
  const hours = children(channel, 'skiphours').flatMap((node) => children(node, 'hour')).map((node) => Number(trimmedText(node)));
  const days = children(channel, 'skipdays').flatMap((node) => children(node, 'day')).map((node) => trimmedText(node)?.toLowerCase() ?? '');
  return {
    ttlMinutes: positiveNumber(trimmedText(child(channel, 'ttl'))),
    updatePeriod: trimmedText(child(channel, 'sy:updateperiod'))?.toLowerCase() ?? null,
    updateFrequency: positiveNumber(trimmedText(child(channel, 'sy:updatefrequency'))),
    skipHours: [...new Set(hours.filter((hour) => Number.isInteger(hour) && hour >= 0 && hour <= 24).map((hour) => hour % 24))],
    skipDays: DAYS.filter((day) => days.includes(day.toLowerCase())),
  };
}

const FEED_ROOTS = new Set(['rss', 'rdf:rdf', 'feed', 'channel']);

/**
 * The feed's own root: the document element, or else the first rss, feed, rdf:RDF or channel
 * element wherever it sits, breadth-first and never inside an entry (an Atom <feed> inside
 * <html><body>, as some CMS templates serve it). Null when there is none.
 */
function feedRoot(root: XmlElement): XmlElement | null {
  if (FEED_ROOTS.has(root.key)) return root;
  const queue = [root];
  for (let index = 0; index < queue.length; index += 1) {
    for (const node of childElements(queue[index] as XmlElement)) {
      if (FEED_ROOTS.has(node.key)) return node;
      if (!ENTRY_KEYS.has(node.key)) queue.push(node);
    }
  }
  return null;
}

function findChannel(root: XmlElement): XmlElement {
  if (root.key === 'feed' || root.key === 'channel') return root;
  const direct = child(root, 'channel');
  if (direct) return direct;
  const stack = [...childElements(root)];
  while (stack.length > 0) {
    const next = stack.shift() as XmlElement;
    if (next.key === 'channel') return next;
    if (!ENTRY_KEYS.has(next.key)) stack.push(...childElements(next));
  }
  return root;
}

/**
 * Reads a feed while its tree is built: each entry is read as it closes (and leaves the tree),
 * and with a selection, the entries kept are pruned to the best `max` as they pile up, so a
 * document's size in entries never costs more than twice the limit in memory.
 */
export class TreeFeedReader {
  private readonly entries: BestEntries;
  private format: FeedFormat | null = null;

  constructor(selection: EntrySelection | null = null) {
    this.entries = new BestEntries(selection);
  }

  readonly onEntry = (element: XmlElement, root: XmlElement): void => {
    // The entry's ancestors are still in the tree (only closed entries leave it).
    this.format ??= detectFormat(feedRoot(root) ?? root).format;
    this.add(readEntry(element, this.format));
  };

  private add(entry: RawEntry): void {
    this.entries.add(entry);
  }

  finish(root: XmlElement): RawFeed {
    const feed = feedRoot(root);
    const { format, version } = detectFormat(feed ?? root);
    // Entries the tree still holds were not reported as they closed (none, when onEntry is used).
    for (const entry of findEntries(root)) this.add(readEntry(entry, this.format ?? format));
    if (!feed && this.entries.count === 0) {
      throw new FeedaggError('NOT_A_FEED', `XML document with root <${root.name}> that is neither RSS, RDF nor Atom`);
    }
    const channel = findChannel(feed ?? root);
    const channelLinks = links(channel);
    const { people, texts } = authors(channel, FEED_AUTHOR_KEYS);
    return {
      format,
      version,
      title: textConstruct(child(channel, 'title', 'dc:title')),
      link: alternateLink(channel, channelLinks) ?? idLink(channel, format),
      selfLink: channelLinks.find((link) => link.rel === 'self')?.href ?? null,
      authors: people,
      authorTexts: texts,
      language: trimmedText(child(channel, 'language', 'dc:language')) ?? channel.attrs['xml:lang'] ?? root.attrs['xml:lang'] ?? null,
      hints: feedHints(channel),
      entries: this.entries.entries(),
      entryCount: this.entries.count,
    };
  }
}

/** A whole tree → RawFeed (every entry). */
export function parseFeedTree(root: XmlElement): RawFeed {
  return new TreeFeedReader().finish(root);
}
