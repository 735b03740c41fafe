/**
 * The one place that maps transport failures and HTTP statuses to feedagg error codes
 * (after Miniflux's fetcher/response_handler.go).
 */
import { FeedaggError } from '../errors.js';
import { BLOCKED_ADDRESS_CODE } from './address-guard.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

function findMessage(error: unknown, code: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { code?: unknown }).code === code && error instanceof Error) return error.message;
  return findMessage((error as { cause?: unknown }).cause, code);
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Classify anything thrown while talking to a feed host. */
export function classifyTransportError(error: unknown, url: string, timeoutMs: number): FeedaggError {
  if (error instanceof FeedaggError) return error;
  const code = errorCode(error);
  const name = errorName(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === BLOCKED_ADDRESS_CODE) {
    const message = findMessage(error, BLOCKED_ADDRESS_CODE) ?? reason;
    return new FeedaggError('BLOCKED_ADDRESS', `${url}: ${message}`, { retryable: false, cause: error });
  }
  if (name === 'TimeoutError' || name === 'AbortError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new FeedaggError('FETCH_TIMEOUT', `${url}: no complete response within ${timeoutMs} ms`, { retryable: true, cause: error });
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return new FeedaggError('DNS', `${url}: host name did not resolve (${code})`, { retryable: true, cause: error });
  }
  if (code !== undefined && (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')) {
    return new FeedaggError('TLS', `${url}: TLS failed (${code})`, { retryable: true, cause: error });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new FeedaggError('CONNECTION', `${url}: connection failed (${code}: ${reason})`, { retryable: true, cause: error });
  }
  return new FeedaggError('CONNECTION', `${url}: request failed: ${reason}`, { retryable: true, cause: error });
}

/** Classify a final (non-redirect, non-304) response status; null when it is a success. */
export function classifyStatus(status: number, url: string, headers: Record<string, string | undefined>): FeedaggError | null {
  // 204 and 205 carry no content by definition (RFC 9110 15.3.5-6): a feed URL that answers
  // so has nothing to read, which is a failure, not an empty feed.
  if (status === 204 || status === 205) return new FeedaggError('HTTP_STATUS', `${url}: HTTP ${status} (no content)`, { status, retryable: true });
  if (status >= 200 && status < 300) return null;
  if (headers['cf-mitigated'] === 'challenge') {
    return new FeedaggError('BOT_CHALLENGE', `${url}: the host answered with a bot challenge (HTTP ${status})`, { status, retryable: true });
  }
  // 408, 425, 429 and 5xx may pass; other 4xx say the request itself is wrong (RFC 9110 15.5).
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  return new FeedaggError('HTTP_STATUS', `${url}: HTTP ${status}`, { status, retryable });
}
