/**
 * Article events not yet handed to the `articles` queue, as `<articleId>-v<version>` members.
 * The accept script adds them in the same atomic step that stores the article; they leave once
 * the queue holds the job (whose id is the same string, so adding twice is harmless).
 */
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';

export interface PendingEvent {
  member: string;
  articleId: string;
  version: number;
}

export function parseOutboxMember(member: string): PendingEvent | null {
  const match = /^(.+)-v(\d+)$/.exec(member);
  return match?.[1] && match[2] ? { member, articleId: match[1], version: Number(match[2]) } : null;
}

export async function pendingEvents(redis: Redis, keys: StoreKeys, limit = 1000): Promise<PendingEvent[]> {
  const members = await redis.srandmember(keys.outbox, limit);
  return members.map(parseOutboxMember).filter((event): event is PendingEvent => event !== null);
}

export async function clearEvents(redis: Redis, keys: StoreKeys, members: string[]): Promise<void> {
  if (members.length > 0) await redis.srem(keys.outbox, ...members);
}
