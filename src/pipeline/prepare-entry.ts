/**
 * From a raw entry to what the store takes: identity first (cheap, every entry), then, only for
 * entries that are new or changed, the normalized fields, the change fingerprint and the
 * MinHash signature, all from one pass over the text. Pure.
 */
import { changeFingerprint } from '../dedupe/change-rule.js';
import { hashText, identityOf, type EntryIdentity, type IdentityFields } from '../dedupe/identity.js';
import { fingerprint, type Fingerprint } from '../dedupe/minhash.js';
import { words } from '../dedupe/text-features.js';
import type { Article } from '../model/article.js';
import { entryUrl, normalizeEntry, plainText, type EntryFields, type NormalizeContext } from '../normalize/normalize-entry.js';
import type { RawEntry } from '../parse/raw-feed.js';

/** An entry of a document, identified, not yet normalized. */
export interface FeedEntry {
  identity: EntryIdentity;
  raw: RawEntry;
  /** A hash of the raw entry (and the document URL its links resolve against): equal means unchanged. */
  rawFp: string;
}

export interface PreparedEntry extends EntryIdentity {
  article: Article;
  rawFp: string;
  /** Changes exactly when the entry changed substantially (change-rule.ts). */
  changeFp: string;
  /** Null when the text is too short for a near-duplicate match. */
  fingerprint: Fingerprint | null;
  /** Characters of plain text: a later copy this much longer takes over the story's text. */
  textLength: number;
}

/** Identity fields straight from the raw entry: no sanitizing, no dates. */
export function rawIdentityFields(raw: RawEntry, context: Pick<NormalizeContext, 'documentUrl' | 'selfLink' | 'feedLink'>): IdentityFields {
  return {
    guid: raw.guid?.trim() || null,
    url: entryUrl(raw, context),
    title: raw.title ? (plainText(raw.title) ?? '') : '',
    content: raw.content?.value ?? raw.summary?.value ?? '',
  };
}

export function rawFingerprint(raw: RawEntry, documentUrl: string | null): string {
  return hashText(`${documentUrl ?? ''}\n${JSON.stringify(raw)}`, 16);
}

/** The entry as the store takes it, from its normalized fields and plain text. */
export function prepareFields(identity: EntryIdentity, fields: EntryFields, text: string, sourceId: string, now: Date, rawFp = ''): PreparedEntry {
  const tokens = words(text);
  return {
    ...identity,
    rawFp,
    article: { id: identity.id, sourceId, sources: [{ sourceId, url: fields.url, seenAt: now.toISOString() }], ...fields },
    changeFp: changeFingerprint(fields.title, text, tokens),
    fingerprint: fingerprint(tokens),
    textLength: text.length,
  };
}

export function prepareEntry(entry: FeedEntry, sourceId: string, context: NormalizeContext): PreparedEntry {
  const { fields, text } = normalizeEntry(entry.raw, context);
  return prepareFields(entry.identity, fields, text, sourceId, context.now, entry.rawFp);
}

/** Tests and benchmarks that start from normalized fields: identity from the fields themselves. */
export { identityOf };
