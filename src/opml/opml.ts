/**
 * OPML 2.0 (http://opml.org/spec2.opml): the subscription list every feed reader imports and
 * exports. Export writes one `<outline type="rss">` per source, inside a folder outline for
 * its first tag, with every tag in `category` ("/tag", comma-separated, as the spec says).
 * Import reads `xmlUrl` outlines at any depth; the folders above one, and its `category`,
 * become its tags.
 */
import type { SourceConfig } from '../../config/schema.js';
import { FeedaggError } from '../errors.js';
import { escapeAttribute } from '../escape-markup.js';
import { redactUrl } from '../redact.js';

type XmlJsElement = { type?: string; name?: string; attributes?: Record<string, string | number | undefined>; elements?: XmlJsElement[] };

export interface OpmlExportOptions {
  /** Keep userinfo and secret query parameters in xmlUrl (`opml export --with-secrets`, for migration). */
  withSecrets?: boolean;
}

function outline(source: SourceConfig, indent: string, options: OpmlExportOptions): string {
  const title = escapeAttribute(source.title ?? source.id);
  const category = source.tags.length > 0 ? ` category="${escapeAttribute(source.tags.map((tag) => `/${tag}`).join(','))}"` : '';
  return `${indent}<outline type="rss" text="${title}" title="${title}" xmlUrl="${escapeAttribute(options.withSecrets ? source.url : redactUrl(source.url))}"${category}/>`;
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
    ...[...folders].flatMap(([folder, members]) => [`    <outline text="${escapeAttribute(folder)}" title="${escapeAttribute(folder)}">`, ...members.map((source) => outline(source, '      ', options)), '    </outline>']),
    ...loose.map((source) => outline(source, '    ', options)),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeAttribute(title)}</title>`,
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

/** Every feed outline of an OPML document, with the folders above it as tags. */
export async function readOpml(text: string, file: string): Promise<OpmlFeed[]> {
  const document = await parseXml(text, file);
  const root = children(document, 'opml')[0];
  const body = root ? children(root, 'body')[0] : undefined;
  if (!body) throw new FeedaggError('PARSE', `${file}: not OPML: no <opml><body> element`);
  const feeds: OpmlFeed[] = [];
  const walk = (element: XmlJsElement, folders: string[]) => {
    for (const item of children(element, 'outline')) {
      const url = attribute(item, 'xmlUrl');
      const label = attribute(item, 'title') ?? attribute(item, 'text');
      if (url) {
        const categories = (attribute(item, 'category') ?? '').split(',').map((category) => category.trim().replace(/^\//, '').split('/').filter(Boolean).join('/')).filter(Boolean);
        feeds.push({ title: label, url, tags: [...new Set([...folders, ...categories])] });
      }
      walk(item, label && !url ? [...folders, label] : folders);
    }
  };
  walk(body, []);
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
