/**
 * The baseline of the conformance run: rss-parser (a devDependency, kept for comparisons
 * only) over the same files, its output mapped onto the fields we compare. It gets the text
 * our own decoder makes of the bytes, so the two differ in parsing, not in decoding.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decodeBody } from '../../src/parse/decode-body.js';
import type { OurArticle, OurResult } from './compare.js';

type Loose = Record<string, unknown>;

interface RssParserLike {
  parseString(xml: string): Promise<Loose & { items?: Loose[] }>;
}

function str(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  // xml2js leaves an element with attributes as { _: text, $: attributes }.
  if (value && typeof value === 'object' && '_' in value) return str((value as Loose)._);
  return null;
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(str).filter((item): item is string => item !== null);
}

function toArticle(item: Loose): OurArticle {
  const enclosure = item.enclosure as Loose | undefined;
  const author = str(item.creator) ?? str(item.author);
  return {
    title: str(item.title) ?? '',
    url: str(item.link),
    guid: str(item.guid) ?? str(item.id),
    publishedAt: str(item.isoDate),
    authors: author ? [{ name: author }] : [],
    categories: list(item.categories),
    enclosures: enclosure && str(enclosure.url) ? [{ url: str(enclosure.url) as string }] : [],
    summary: str(item.contentSnippet) ?? str(item.summary),
    contentHtml: null,
  };
}

/** rss-parser's reading of each file, in the manifest's order; a thrown error is a lost file. */
export async function parseWithRssParser(root: string, files: Array<{ path: string; contentType: string | null }>): Promise<OurResult[]> {
  const RssParser = createRequire(import.meta.url)('rss-parser') as new () => RssParserLike;
  const parser = new RssParser();
  const out: OurResult[] = [];
  for (const file of files) {
    try {
      const { text } = decodeBody(await readFile(join(root, file.path)), file.contentType);
      const feed = await parser.parseString(text);
      out.push({ path: file.path, feed: { title: str(feed.title), link: str(feed.link) }, articles: (feed.items ?? []).map(toArticle) });
    } catch (error) {
      out.push({ path: file.path, error: { code: 'RSS_PARSER', message: error instanceof Error ? error.message : String(error) } });
    }
  }
  return out;
}
