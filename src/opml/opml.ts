/**
 * OPML 2.0 (http://opml.org/spec2.opml): the subscription list every feed reader imports and
 * exports. Export writes one `<outline type="rss">` per source, inside a folder outline for
 * its first tag, with every tag in `category` ("/tag", comma-separated, as the spec says).
 * Import reads `xmlUrl` outlines at any depth; the folders above one, and its `category`,
 * become its tags.
 */
import type { SourceConfig } from '../../config/schema.js';
import { FeedaggError } from '../errors.js';
import { escapeUTF8 as escapeMarkup } from 'entities';
import { redactUrl } from '../redact.js';

type XmlJsElement = { type?: string; name?: string; attributes?: Record<string, string | number | undefined>; elements?: XmlJsElement[] };

export interface OpmlExportOptions {
  /** Keep userinfo and secret query parameters in xmlUrl (`opml export --with-secrets`, for migration). */
  withSecrets?: boolean;
}

function outline(source: SourceConfig, indent: string, options: OpmlExportOptions): string {
  const title = escapeMarkup(source.title ?? source.id);
  const category = source.tags.length > 0 ? ` category="${escapeMarkup(source.tags.map((tag) => `/${tag}`).join(','))}"` : '';
  return `${indent}<outline type="rss" text="${title}" title="${title}" xmlUrl="${escapeMarkup(options.withSecrets ? source.url : redactUrl(source.url))}"${category}/>`;
}

export function exportOpml(sources: SourceConfig[], title: string, now: Date = new Date(), options: OpmlExportOptions = {}): string {
  const folders = new Map<string, SourceConfig[]>();
  const loose: SourceConfig[] = [];
  for (const source of sources) {
    const folder = source.tags[0];
    if (folder === undefined) loose.push(source);
    else folders.set(folder, [...(folders.get(folder) ?? []), source]);
  }
  const body = [
    ...[...folders].flatMap(([folder, members]) => [`    <outline text="${escapeMarkup(folder)}" title="${escapeMarkup(folder)}">`, ...members.map((source) => outline(source, '      ', options)), '    </outline>']),
    ...loose.map((source) => outline(source, '    ', options)),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeMarkup(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...body,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

export interface OpmlFeed {
  title: string | null;
  url: string;
  tags: string[];
}

async function parseXml(text: string, file: string): Promise<XmlJsElement> {
  const { xml2js } = await import('xml-js');
  try {
    return xml2js(text, { compact: false }) as XmlJsElement;
  } catch (error) {
    // sax reports "reason\nLine: N\nColumn: N\nChar: c".
    const message = error instanceof Error ? error.message : String(error);
    const [reason = message, ...where] = message.split('\n');
    const line = /Line: (\d+)/.exec(where.join(' '))?.[1];
    throw new FeedaggError('PARSE', `${file}: not valid OPML: ${reason}${line === undefined ? '' : ` at line ${Number(line) + 1}`}`);
  }
}

function attribute(element: XmlJsElement, name: string): string | null {
  const entry = Object.entries(element.attributes ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  const value = entry?.[1];
  return value === undefined ? null : String(value).trim() || null;
}

function children(element: XmlJsElement, name: string): XmlJsElement[] {
  return (element.elements ?? []).filter((child) => child.type === 'element' && child.name?.toLowerCase() === name);
}

/** Readers nest folders two or three deep; past this an OPML file is broken or hostile. */
export const MAX_OUTLINE_DEPTH = 64;

/** The line where outlines first nest deeper than MAX_OUTLINE_DEPTH (1-based), for the error. */
function outlineDepthLine(text: string): number {
  let depth = 0;
  for (const match of text.matchAll(/<outline\b[^<>]*?(\/)?>|<\/outline\s*>/gi)) {
    if (match[0].startsWith('</')) depth -= 1;
    else if (!match[1]) depth += 1;
    if (depth > MAX_OUTLINE_DEPTH) return text.slice(0, match.index).split('\n').length;
  }
  return 1;
}

/** Every feed outline of an OPML document, with the folders above it as tags. */
export async function readOpml(text: string, file: string): Promise<OpmlFeed[]> {
  const document = await parseXml(text, file);
  const root = children(document, 'opml')[0];
  const body = root ? children(root, 'body')[0] : undefined;
  if (!body) throw new FeedaggError('PARSE', `${file}: not OPML: no <opml><body> element`);
  const feeds: OpmlFeed[] = [];
  // Depth first with a stack of its own, in document order: 4,000 nested outlines are a typed
  // error naming the line, never a RangeError from recursion.
  type Pending = { item: XmlJsElement; folders: string[]; depth: number };
  const below = (element: XmlJsElement, folders: string[], depth: number): Pending[] => children(element, 'outline').map((item) => ({ item, folders, depth })).reverse();
  const stack: Pending[] = below(body, [], 1);
  while (stack.length > 0) {
    const { item, folders, depth } = stack.pop() as Pending;
    if (depth > MAX_OUTLINE_DEPTH) throw new FeedaggError('PARSE', `${file}: not valid OPML: outlines nested deeper than ${MAX_OUTLINE_DEPTH} levels at line ${outlineDepthLine(text)}`);
    const url = attribute(item, 'xmlUrl');
    const label = attribute(item, 'title') ?? attribute(item, 'text');
    if (url) {
      const categories = (attribute(item, 'category') ?? '').split(',').map((category) => category.trim().replace(/^\//, '').split('/').filter(Boolean).join('/')).filter(Boolean);
      feeds.push({ title: label, url, tags: [...new Set([...folders, ...categories])] });
    }
    stack.push(...below(item, label && !url ? [...folders, label] : folders, depth + 1));
  }
  return feeds;
}

/** A source id from a title: lower-case words joined by "-", unique among `taken`. */
export function sourceIdFor(title: string | null, url: string, taken: Set<string>): string {
  const base = (title ?? new URL(url).hostname).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'feed';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
