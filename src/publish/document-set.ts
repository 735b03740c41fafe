/** The three documents of one output: their URL paths, files and content types. */
import { createHash } from 'node:crypto';
import type { BuiltFeeds } from './build-feeds.js';

export const FORMATS = {
  rss: { file: 'feed.xml', contentType: 'application/rss+xml; charset=utf-8' },
  atom: { file: 'atom.xml', contentType: 'application/atom+xml; charset=utf-8' },
  json: { file: 'feed.json', contentType: 'application/feed+json; charset=utf-8' },
} as const;

export type Format = keyof typeof FORMATS;

/** `''` for the main output, else its folder: `/feed.xml` or `/tech/feed.xml`. */
export function documentPath(folder: string, format: Format): string {
  return `/${folder ? `${folder}/` : ''}${FORMATS[format].file}`;
}

/** A strong validator from the bytes (RFC 9110 8.8.3). */
/** The URL paths of an output's three documents. */
export function documentPaths(folder: string): string[] {
  return (Object.keys(FORMATS) as Format[]).map((format) => documentPath(folder, format));
}

export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

export interface Document {
  format: Format;
  path: string;
  body: string;
  contentType: string;
  etag: string;
}

export function documentsOf(folder: string, feeds: BuiltFeeds): Document[] {
  return (Object.keys(FORMATS) as Format[]).map((format) => ({
    format,
    path: documentPath(folder, format),
    body: feeds[format],
    contentType: FORMATS[format].contentType,
    etag: strongEtag(feeds[format]),
  }));
}
