/**
 * Article events not yet handed to the `articles` queue, as `<articleId>-v<version>` members.
 * The accept script adds them in the same atomic step that stores the article; they leave once
 * the queue holds the job (whose id is the same string, so adding twice is harmless).
 */
import type { StoreKeys } from './keys.js';
import { LuaScript } from './lua-script.js';
import type { RedisClient } from './redis-client.js';

const releaseScript = LuaScript.load('release-events');
const coalesceScript = LuaScript.load('coalesce-merges');

export interface PendingEvent {
  member: string;
  articleId: string;
  version: number;
}

export function parseOutboxMember(member: string): PendingEvent | null {
  const match = /^(.+)-v(\d+)$/.exec(member);
  return match?.[1] && match[2] ? { member, articleId: match[1], version: Number(match[2]) } : null;
}

export async function pendingEvents(redis: RedisClient, keys: StoreKeys, limit = 1000): Promise<PendingEvent[]> {
  const members = await redis.srandmember(keys.outbox, limit);
  return members.map(parseOutboxMember).filter((event): event is PendingEvent => event !== null);
}

export async function countPending(redis: RedisClient, keys: StoreKeys): Promise<number> {
  return redis.scard(keys.outbox);
}

/** Events handed over (or given up) leave the outbox (scripts/release-events.lua). */
export async function releaseEvents(redis: RedisClient, keys: StoreKeys, members: string[]): Promise<void> {
  for (let start = 0; start < members.length; start += 500) {
    await releaseScript.run(redis, [keys.articleMeta, keys.outbox], members.slice(start, start + 500));
  }
}

/** One version for the merges coalesced since each article's last event; returns the members queued. */
export async function coalesceMerges(redis: RedisClient, keys: StoreKeys, limit = 500): Promise<string[]> {
  return (await coalesceScript.run(redis, [keys.articleMeta, keys.body, keys.outbox, keys.coalesce], [limit])) as string[];
}
