/** A poll's store step on its own: accept a document's entries, hand the events over. */
import type { Queue } from 'bullmq';
import type { ArticleEvent, ArticleEventType } from '../../src/model/article-event.js';
import { identify, identityOf } from '../../src/dedupe/identity.js';
import { htmlToText } from '../../src/normalize/html-to-text.js';
import type { EntryFields } from '../../src/normalize/normalize-entry.js';
import { prepareFields, type PreparedEntry } from '../../src/pipeline/prepare-entry.js';
import { acceptedEvents, addEvents } from '../../src/queue/article-events.js';
import { acceptEntries, entryKeyHash, type AcceptResult } from '../../src/store/article-store.js';
import type { StoreKeys } from '../../src/store/keys.js';
import type { RedisClient } from '../../src/store/redis-client.js';

export const HOUR = 3_600_000;

/** Entries as a poll prepares them, from normalized fields. */
export function prepare(sourceId: string, fields: EntryFields[], now: Date): PreparedEntry[] {
  const identities = identify(sourceId, fields.map(identityOf));
  return fields.map((entry, index) => prepareFields(identities[index] as PreparedEntry, entry, entry.contentHtml ? htmlToText(entry.contentHtml) : (entry.summary ?? ''), sourceId, now));
}

export interface AcceptOptions {
  windowMs?: number;
  queue?: Queue<ArticleEvent, unknown, ArticleEventType>;
}

/** Accept every entry of a document (as if all were new or changed), then deliver the events. */
export async function acceptDocument(redis: RedisClient, keys: StoreKeys, sourceId: string, entries: PreparedEntry[], now: Date, options: AcceptOptions = {}): Promise<AcceptResult[]> {
  const unique = entries.filter((entry) => !entry.repeat);
  const listing = unique.map((entry) => ({ ekh: entryKeyHash(entry.entryKey), rawFp: entry.rawFp || entry.changeFp }));
  const results = await acceptEntries(redis, keys, sourceId, listing, unique, { windowMs: options.windowMs ?? 72 * HOUR }, now);
  if (options.queue) await addEvents(redis, keys, options.queue, acceptedEvents(unique, results, now), { enabled: true, keepCompleted: 1000, keepAge: 24 * HOUR });
  return results;
}
