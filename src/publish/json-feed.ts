/**
 * The `feed` package writes JSON Feed 1.0; lift its output to 1.1
 * (https://www.jsonfeed.org/version/1.1/): `authors` arrays instead of `author`, and every
 * source of a merged story in the `_feedagg` extension object (spec section "Extensions").
 */
import type { PublishedItem, SourceInfo } from './build-feeds.js';

type JsonObject = Record<string, unknown>;

function sourcesExtension({ article, canonicalSourceId }: PublishedItem, sources: ReadonlyMap<string, SourceInfo>): JsonObject {
  return {
    canonical_source: canonicalSourceId,
    sources: article.sources.map((source) => ({
      id: source.sourceId,
      title: sources.get(source.sourceId)?.title ?? source.sourceId,
      feed_url: sources.get(source.sourceId)?.url ?? null,
      url: source.url,
      seen_at: source.seenAt,
    })),
  };
}

export function toJsonFeed11(json10: string, published: PublishedItem[], sources: ReadonlyMap<string, SourceInfo>): string {
  const document = JSON.parse(json10) as JsonObject & { items?: JsonObject[]; author?: JsonObject };
  document.version = 'https://jsonfeed.org/version/1.1';
  if (document.author) {
    document.authors = [document.author];
    delete document.author;
  }
  document.items = (document.items ?? []).map((item, index) => {
    const entry = published[index];
    const article = entry?.article;
    const { author: _author, ...rest } = item;
    const out: JsonObject = { ...rest };
    if (entry && article) {
      if (article.authors.length > 0) out.authors = article.authors.map((author) => ({ name: author.name, ...(author.url ? { url: author.url } : {}) }));
      if (article.language) out.language = article.language;
      // Spec: an item must have content_html or content_text.
      if (out.content_html === undefined) out.content_text = article.summary ?? article.title;
      if (article.enclosures.length > 0) {
        out.attachments = article.enclosures.map((enclosure) => ({
          url: enclosure.url,
          mime_type: enclosure.type ?? 'application/octet-stream',
          ...(enclosure.length ? { size_in_bytes: enclosure.length } : {}),
        }));
      }
      out._feedagg = sourcesExtension(entry, sources);
    }
    return out;
  });
  return `${JSON.stringify(document, null, 2)}\n`;
}
