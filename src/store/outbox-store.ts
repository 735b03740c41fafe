/**
 * Article events not yet handed to the `articles` queue, as `<articleId>-v<version>` members.
 * The accept script adds them in the same atomic step that stores the article; they leave once
 * the queue holds the job (whose id is the same string, so adding twice is harmless).
 */
import { StorePart } from './store-part.js';


export interface PendingEvent {
  member: string;
  articleId: string;
  version: number;
}

export function parseOutboxMember(member: string): PendingEvent | null {
  const match = /^(.+)-v(\d+)$/.exec(member);
  return match?.[1] && match[2] ? { member, articleId: match[1], version: Number(match[2]) } : null;
}

/** OutboxStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class OutboxStore extends StorePart {
  async pendingEvents(limit = 1000): Promise<PendingEvent[]> {
    const members = await this.redis.srandmember(this.keys.outbox, limit);
    return members.map(parseOutboxMember).filter((event): event is PendingEvent => event !== null);
  }

  async countPending(): Promise<number> {
    return this.redis.scard(this.keys.outbox);
  }

  /** Events handed over (or given up) leave the outbox (scripts/release-events.lua). */
  async releaseEvents(members: string[]): Promise<void> {
    for (let start = 0; start < members.length; start += 500) {
      await this.scripts.run('release-events', [this.keys.articleMeta, this.keys.outbox], members.slice(start, start + 500));
  }
  }

  /** One version for the merges coalesced since each article's last event; returns the members queued. */
  async coalesceMerges(limit = 500): Promise<string[]> {
    return (await this.scripts.run('coalesce-merges', [this.keys.articleMeta, this.keys.body, this.keys.outbox, this.keys.coalesce], [limit])) as string[];
  }
}
