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
  /** A document took longer than fetch.maxParseTime in its thread: the thread was stopped. */
  | 'PARSE_TIMEOUT'
  /** A document's reading ran out of its thread's memory. */
  | 'PARSE_MEMORY'
  | 'BOT_CHALLENGE'
  | 'READ'
  /** Another process held the publish lease for longer than a publish waits for it. */
  | 'PUBLISH_BUSY'
  /** The process shut down while the poll was in flight: not the source's failure; it is polled again. */
  | 'INTERRUPTED'
  /** An output folder cannot be written (missing parent, a file in the way, no permission). */
  | 'OUTPUT'
  /** Anything not foreseen (a bug, a library's own error): recorded like any failure. */
  | 'INTERNAL';

export interface FeedaggErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** HTTP status, for HTTP_STATUS. */
  status?: number;
  /** Epoch ms before which the host asked not to be contacted (429/503 Retry-After), already capped. */
  retryAfter?: number;
  /** The feed links an HTML page advertises (NOT_A_FEED). */
  feedLinks?: string[];
  /** One line per problem (CONFIG). */
  issues?: string[];
}

export class FeedaggError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;
  readonly feedLinks: string[] | undefined;
  readonly issues: string[] | undefined;

  constructor(code: ErrorCode, message: string, options: FeedaggErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'FeedaggError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.feedLinks = options.feedLinks;
    this.issues = options.issues;
  }
}

export function isFeedaggError(value: unknown): value is FeedaggError {
  return value instanceof FeedaggError;
}

/** Anything thrown, as a FeedaggError: unforeseen errors become INTERNAL with their message. */
export function asFeedaggError(error: unknown): FeedaggError {
  if (isFeedaggError(error)) return error;
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return new FeedaggError('INTERNAL', `${name}${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** Turn anything thrown into a short `{code, message}` for state and logs. */
export function describeError(error: unknown): { code: string; message: string } {
  const typed = asFeedaggError(error);
  return { code: typed.code, message: typed.message };
}
