/**
 * The one error type of feedagg. `code` is a stable key (never match on message text);
 * `retryable` says whether trying the same thing later may succeed.
 */
export type ErrorCode =
  | 'CONFIG'
  | 'REDIS_UNAVAILABLE'
  | 'FETCH_TIMEOUT'
  | 'DNS'
  | 'CONNECTION'
  | 'TLS'
  | 'HTTP_STATUS'
  | 'BODY_TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'BLOCKED_ADDRESS'
  | 'NOT_A_FEED'
  | 'PARSE'
  | 'BOT_CHALLENGE'
  | 'READ';

export interface FeedaggErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** HTTP status, for HTTP_STATUS. */
  status?: number;
  /** Extra facts for operators (e.g. the feed links an HTML page advertises). */
  details?: Record<string, unknown>;
}

export class FeedaggError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: FeedaggErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'FeedaggError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.details = options.details;
  }
}

export function isFeedaggError(value: unknown): value is FeedaggError {
  return value instanceof FeedaggError;
}

/** Turn anything thrown into a short `{code, message}` for state and logs. */
export function describeError(error: unknown): { code: string; message: string } {
  if (isFeedaggError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}
