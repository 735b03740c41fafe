/**
 * Who may change the deployment from the console (issue 20). No admin token configured: the
 * console is read-only for everyone. With one: API clients send `Authorization: Bearer
 * <token>`; a browser signs in with it once and gets a session cookie (HttpOnly,
 * SameSite=Strict) whose every form carries the session's CSRF token.
 *
 * Tokens are compared as SHA-256 digests with timingSafeEqual (no early exit on the first
 * wrong byte). Wrong tokens are counted per client address and in all; past the limit the
 * client waits (429 with Retry-After), and each is logged with the address, never the token.
 * Sessions live in this process's memory: one `start` serves the console, and a restart signs
 * everyone out (the cookie proves nothing to another process).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { ConsoleError } from './console-error.js';

export const SESSION_COOKIE = 'feedagg_session';
const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_SESSIONS = 1_000;
/** Wrong tokens allowed per client address in a window, and from all clients together. */
export const FAILURES_PER_CLIENT = 5;
const FAILURES_IN_ALL = 50;
const FAILURE_WINDOW_MS = 60_000;

interface Session {
  csrf: string;
  expires: number;
}

export interface Caller {
  /** May change things: a valid Bearer token, or a live session. */
  admin: boolean;
  /** The session's CSRF token, for the forms of the page (null without a session). */
  csrf: string | null;
  /** Came with a Bearer token (no CSRF check: a cross-site form cannot send that header). */
  bearer: boolean;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function cookies(request: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}

/** The client's address (the socket's: a proxy's X-Forwarded-For is not trusted for limits). */
export function clientOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

export class AdminAuth {
  private readonly token: Buffer | null;
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, number[]>();
  private failuresInAll: number[] = [];

  constructor(token: string | null, private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.token = token === null ? null : digest(token);
  }

  /** Writes are possible at all (an admin token is configured). */
  get enabled(): boolean {
    return this.token !== null;
  }

  private matches(candidate: string): boolean {
    return this.token !== null && timingSafeEqual(digest(candidate), this.token);
  }

  private recent(times: number[]): number[] {
    const since = this.now() - FAILURE_WINDOW_MS;
    return times.filter((time) => time > since);
  }

  /** Refuse at once a client past its limit of wrong tokens (before the token is even looked at). */
  private checkLimit(client: string): void {
    const own = this.recent(this.failures.get(client) ?? []);
    this.failuresInAll = this.recent(this.failuresInAll);
    if (own.length >= FAILURES_PER_CLIENT || this.failuresInAll.length >= FAILURES_IN_ALL) {
      const oldest = Math.min(...(own.length >= FAILURES_PER_CLIENT ? own : this.failuresInAll));
      const seconds = Math.max(1, Math.ceil((oldest + FAILURE_WINDOW_MS - this.now()) / 1000));
      throw new ConsoleError('RATE_LIMITED', `too many wrong admin tokens: try again in ${seconds} s`, { retryAfter: seconds });
    }
  }

  private fail(client: string, how: string): never {
    const own = [...this.recent(this.failures.get(client) ?? []), this.now()];
    this.failures.set(client, own);
    this.failuresInAll.push(this.now());
    // A client sending many: its entry is dropped once its window has passed.
    if (this.failures.size > 10_000) for (const [key, times] of this.failures) if (this.recent(times).length === 0) this.failures.delete(key);
    this.log.warn({ client, how, failures: own.length }, 'wrong admin token');
    throw new ConsoleError('UNAUTHORIZED', 'the admin token is not valid');
  }

  /** Sign in with the token: a new session (its id for the cookie, its CSRF token). */
  signIn(candidate: string, client: string): { id: string; csrf: string } {
    if (!this.enabled) throw new ConsoleError('READ_ONLY', 'the console is read-only: no admin token is configured (http.adminToken or FEEDAGG_ADMIN_TOKEN)');
    this.checkLimit(client);
    if (!this.matches(candidate)) this.fail(client, 'sign-in');
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.sessions.set(id, { csrf, expires: this.now() + SESSION_TTL_MS });
    this.log.info({ client }, 'admin signed in to the console');
    return { id, csrf };
  }

  signOut(request: IncomingMessage): void {
    const id = cookies(request).get(SESSION_COOKIE);
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expires <= now) this.sessions.delete(id);
    // The oldest sessions go first when too many are open (Map keeps insertion order).
    while (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
  }

  /**
   * Who is asking. A Bearer header that is present must be right (a wrong one is counted and
   * refused, never taken for "anonymous"); a session cookie that is unknown or expired is
   * simply no session.
   */
  caller(request: IncomingMessage): Caller {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const client = clientOf(request);
      if (!this.enabled) throw new ConsoleError('READ_ONLY', 'the console is read-only: no admin token is configured (http.adminToken or FEEDAGG_ADMIN_TOKEN)');
      this.checkLimit(client);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !this.matches(match[1])) this.fail(client, 'bearer');
      return { admin: true, csrf: null, bearer: true };
    }
    return this.sessionCaller(request);
  }

  /** The session's caller only (pages: an Authorization header plays no part in what a page shows). */
  sessionCaller(request: IncomingMessage): Caller {
    const id = cookies(request).get(SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.expires <= this.now()) return { admin: false, csrf: null, bearer: false };
    return { admin: true, csrf: session.csrf, bearer: false };
  }

  /** A write: an admin, and for a session, the CSRF token of its form or header. */
  requireWrite(caller: Caller, sentCsrf: string | null): void {
    if (!this.enabled) throw new ConsoleError('UNAUTHORIZED', 'the console is read-only: no admin token is configured (http.adminToken or FEEDAGG_ADMIN_TOKEN)');
    if (!caller.admin) throw new ConsoleError('UNAUTHORIZED', 'sign in, or send Authorization: Bearer <admin token>');
    if (caller.bearer) return;
    if (!sentCsrf || !caller.csrf || !timingSafeEqual(digest(sentCsrf), digest(caller.csrf))) throw new ConsoleError('CSRF', 'the form is missing its CSRF token, or it is not this session\'s: reload the page and try again');
  }

  /** The Set-Cookie of a new session (Secure when the request came over TLS or a proxy says so). */
  static sessionCookie(id: string, request: IncomingMessage): string {
    const secure = (request.socket as { encrypted?: boolean }).encrypted === true || request.headers['x-forwarded-proto'] === 'https';
    return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}${secure ? '; Secure' : ''}`;
  }

  static clearedCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }
}
