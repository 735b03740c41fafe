/**
 * Which errors mean "Redis is not available right now" (a restart, a failover, memory full,
 * the dataset still loading) rather than a bug. A poll that meets one is retried later; it is
 * never held against the source it was polling.
 */
import { FeedaggError } from '../errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
// Error replies that say the server cannot serve now, not that the command is wrong
// (https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors).
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|OOM|NOREPLICAS|MISCONF|MOVED|ASK)\b/;

export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof FeedaggError) return error.code === 'REDIS_UNAVAILABLE';
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (/^Connection is closed|Stream isn't writeable|Connection in subscriber mode/.test(error.message)) return true;
  return error.name === 'ReplyError' && UNAVAILABLE_REPLIES.test(error.message);
}

/** Redis refused a write because it reached maxmemory (reply `OOM command not allowed…`): it is up, but full. */
export function isRedisOutOfMemory(error: unknown): boolean {
  const cause = error instanceof FeedaggError ? error.cause : error;
  return cause instanceof Error && /^OOM\b/.test(cause.message);
}

/** A Redis failure as the typed error the poll job retries on. */
export function redisUnavailable(error: unknown, doing: string): FeedaggError {
  if (error instanceof FeedaggError && error.code === 'REDIS_UNAVAILABLE') return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new FeedaggError('REDIS_UNAVAILABLE', `Redis failed while ${doing}: ${reason}`, { retryable: true, cause: error });
}
