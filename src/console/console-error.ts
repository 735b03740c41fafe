/**
 * The typed errors of the console and its JSON API (issue 20): a stable code, the HTTP status
 * it answers with, and the field at fault when there is one. The API sends them as
 * `{"error": {"code", "message", "field"?, "yaml"?}}` (docs/console.md).
 */
export type ConsoleErrorCode =
  /** No valid admin token (Bearer) or session. */
  | 'UNAUTHORIZED'
  /** A console form without the session's CSRF token. */
  | 'CSRF'
  /** Too many wrong tokens from this client (or from all): wait Retry-After. */
  | 'RATE_LIMITED'
  /** The console is read-only: no admin token is configured. */
  | 'READ_ONLY'
  /** A field of the request is missing or invalid (`field` names it). */
  | 'INVALID'
  | 'NOT_FOUND'
  /** A source with that id (or URL) exists already. */
  | 'CONFLICT'
  /** The URL is not a feed and advertises none (`feedLinks` empty). */
  | 'NOT_A_FEED'
  /** The URL could not be fetched (the fetch error's code is in the message). */
  | 'FETCH'
  /** The config file cannot be written (a read-only mount): `yaml` holds what to paste. */
  | 'CONFIG_READ_ONLY'
  /** The edited config did not validate, or the reload did not take it. */
  | 'CONFIG'
  | 'TOO_LARGE'
  | 'METHOD'
  /** Redis is away or slow: the state cannot be read now. */
  | 'UNAVAILABLE'
  /** Not foreseen (a bug): logged with its stack. */
  | 'INTERNAL';

const STATUS: Record<ConsoleErrorCode, number> = {
  UNAUTHORIZED: 401,
  CSRF: 403,
  RATE_LIMITED: 429,
  READ_ONLY: 403,
  INVALID: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_A_FEED: 422,
  FETCH: 422,
  CONFIG_READ_ONLY: 409,
  CONFIG: 422,
  TOO_LARGE: 413,
  METHOD: 405,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class ConsoleError extends Error {
  readonly code: ConsoleErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  /** For CONFIG_READ_ONLY: the YAML an operator can paste into the file instead. */
  readonly yaml: string | undefined;
  /** For RATE_LIMITED: seconds to wait (the Retry-After header). */
  readonly retryAfter: number | undefined;

  constructor(code: ConsoleErrorCode, message: string, options: { field?: string; yaml?: string; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ConsoleError';
    this.code = code;
    this.status = STATUS[code];
    this.field = options.field;
    this.yaml = options.yaml;
    this.retryAfter = options.retryAfter;
  }

  toJSON(): { error: { code: ConsoleErrorCode; message: string; field?: string; yaml?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), ...(this.yaml ? { yaml: this.yaml } : {}) } };
  }
}
