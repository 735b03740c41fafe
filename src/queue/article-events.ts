/**
 * Article events for the downstream `articles` queue. Job id `<articleId>-v<version>` makes a
 * repeated add a no-op, so a retried poll never delivers twice. A poll builds the events of
 * what it accepted from the entries it holds (no read-back); events left in the outbox by a
 * crash, and coalesced merges, are read back from the store.
 */
import type { Queue } from 'bullmq';
import type { Article } from '../model/article.js';
import type { ArticleEvent, ArticleEventType } from '../model/article-event.js';
import type { PreparedEntry } from '../pipeline/prepare-entry.js';
import { type AcceptResult } from '../store/article-store.js';
import { parseOutboxMember, type PendingEvent } from '../store/outbox-store.js';
import { Store } from '../store/store.js';

export interface EventSettings {
  enabled: boolean;
  keepCompleted: number;
  /** Milliseconds. */
  keepAge: number;
}

export interface OutgoingEvent {
  /** The outbox member, and the job id. */
  member: string;
  data: ArticleEvent;
}

export function eventType(version: number): ArticleEventType {
  return version <= 1 ? 'article.created' : 'article.updated';
}

function event(article: Article, version: number, now: Date): OutgoingEvent {
  return { member: `${article.id}-v${version}`, data: { v: 1, type: eventType(version), version, article, at: now.toISOString() } };
}

/** The events one accept call queued, built from the entries it was given. */
export function acceptedEvents(entries: PreparedEntry[], results: AcceptResult[], now: Date): OutgoingEvent[] {
  const out: OutgoingEvent[] = [];
  results.forEach((result, index) => {
    const entry = entries[index];
    if (!entry || result.version === 0) return;
    const { id: _id, sourceId: _source, sources: _sources, ...fields } = entry.article;
    const text = result.decision === 'merged' && result.storedFields ? result.storedFields : fields;
    out.push(event({ id: result.articleId, sourceId: result.firstSource, sources: result.sources, ...text }, result.version, now));
  });
  return out;
}

/** Hand events to the queue, then let the outbox forget them (and the store their bodies). */
export async function addEvents(store: Store, queue: Queue<ArticleEvent, unknown, ArticleEventType>, events: OutgoingEvent[], settings: EventSettings): Promise<number> {
  const keep = { count: settings.keepCompleted, age: Math.ceil(settings.keepAge / 1000) };
  for (let start = 0; start < events.length && settings.enabled; start += CHUNK) {
    const chunk = events.slice(start, start + CHUNK);
    await queue.addBulk(chunk.map(({ member, data }) => ({ name: data.type, data, opts: { jobId: member, removeOnComplete: keep, removeOnFail: keep } })));
  }
  await store.outbox.releaseEvents(events.map((outgoing) => outgoing.member));
  return settings.enabled ? events.length : 0;
}

/** Events per queue call: one call's jobs are in memory at once. */
const CHUNK = 100;

/** Hand over the events named by outbox members, reading their articles from the store. */
export async function deliverEvents(store: Store, queue: Queue<ArticleEvent, unknown, ArticleEventType>, members: string[], settings: EventSettings, now: Date): Promise<number> {
  let delivered = 0;
  for (let start = 0; start < members.length; start += CHUNK) {
    const chunk = members.slice(start, start + CHUNK);
    const pending = chunk.map(parseOutboxMember).filter((pendingEvent): pendingEvent is PendingEvent => pendingEvent !== null);
    const stored = new Map((await store.articles.readArticles([...new Set(pending.map((pendingEvent) => pendingEvent.articleId))])).map((entry) => [entry.article.id, entry]));
    const events = pending.flatMap((pendingEvent) => {
      const entry = stored.get(pendingEvent.articleId);
      return entry ? [event(entry.article, pendingEvent.version, now)] : [];
    });
    delivered += await addEvents(store, queue, events, settings);
    // Members whose article is gone can never be delivered: let them go too.
    const undeliverable = chunk.filter((member) => !events.some((outgoing) => outgoing.member === member));
    if (undeliverable.length > 0) await store.outbox.releaseEvents(undeliverable);
  }
  return delivered;
}
