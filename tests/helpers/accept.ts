/**
 * A poll's store step on its own, through the real code: the listing diff of the document
 * thread (diffListing) and the store step of every poll (storeReading). Only the input is
 * built here: entries from normalized fields, each with a raw fingerprint of those fields (a
 * poll hashes the raw entry: equal input, equal fingerprint).
 */
import type { Queue } from 'bullmq';
import type { ArticleEvent, ArticleEventType } from '../../src/model/article-event.js';
import { hashText, identify, identityOf } from '../../src/dedupe/identity.js';
import { htmlToText } from '../../src/normalize/html-to-text.js';
import type { EntryFields } from '../../src/normalize/normalize-entry.js';
import { prepareFields, type PreparedEntry } from '../../src/pipeline/prepare-entry.js';
import { diffListing } from '../../src/pipeline/read-document.js';
import { type AcceptResult } from '../../src/store/article-store.js';
import type { StoreKeys } from '../../src/store/keys.js';
import type { RedisClient } from '../../src/redis/client.js';
import { storeReading } from '../../jobs/attempt-poll.js';
import { Store } from '../../src/store/store.js';

export const HOUR = 3_600_000;

/** Entries as a poll prepares them, from normalized fields. */
export function prepare(sourceId: string, fields: EntryFields[], now: Date): PreparedEntry[] {
  const identities = identify(sourceId, fields.map(identityOf));
  return fields.map((entry, index) => prepareFields(identities[index] as PreparedEntry, entry, entry.contentHtml ? htmlToText(entry.contentHtml) : (entry.summary ?? ''), sourceId, now, hashText(JSON.stringify(entry), 16)));
}

export interface AcceptOptions {
  windowMs?: number;
  queue?: Queue<ArticleEvent, unknown, ArticleEventType>;
  /** The listing as the poll read it before its document (polls that start together read the same one); default: read now. */
  previous?: Map<string, string>;
}

/** One document's entries into the store as a poll puts them there: only what is new or changed against the source's listing. */
export async function acceptDocument(redis: RedisClient, keys: StoreKeys, sourceId: string, entries: PreparedEntry[], now: Date, options: AcceptOptions = {}): Promise<AcceptResult[]> {
  const previous = options.previous ?? (await new Store(redis, keys).articles.readListing(sourceId));
  const { listing, changedEntries, changed } = diffListing(entries, (entry) => entry, previous);
  const events = options.queue ? { queue: options.queue, settings: { enabled: true, keepCompleted: 1000, keepAge: 24 * HOUR } } : null;
  return storeReading(new Store(redis, keys), sourceId, { listing, prepared: changedEntries, changed }, { windowMs: options.windowMs ?? 72 * HOUR, events }, now);
}
