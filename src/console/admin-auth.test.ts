import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { measureDoubling } from '../../tests/helpers/doubling.js';
import { AdminAuth, FAILURES_PER_CLIENT } from './admin-auth.js';

const TOKEN = 'a-token-of-twenty-chars';

function request(headers: Record<string, string>, address = '10.0.0.1'): IncomingMessage {
  return { headers, socket: { remoteAddress: address } } as unknown as IncomingMessage;
}

describe('admin access (issue 20)', () => {
  it('takes the right Bearer, refuses a wrong one, and limits wrong ones per client', () => {
    let now = 1_000_000;
    const auth = new AdminAuth(TOKEN, pino({ level: 'silent' }), () => now);
    expect(auth.caller(request({ authorization: `Bearer ${TOKEN}` }))).toEqual({ admin: true, csrf: null, bearer: true });
    for (let attempt = 0; attempt < FAILURES_PER_CLIENT; attempt += 1) expect(() => auth.caller(request({ authorization: 'Bearer nope' }))).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    // Limited now, even with the right token; another client is not.
    expect(() => auth.caller(request({ authorization: `Bearer ${TOKEN}` }))).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', retryAfter: 60 }));
    expect(auth.caller(request({ authorization: `Bearer ${TOKEN}` }, '10.0.0.2')).admin).toBe(true);
    now += 61_000;
    expect(auth.caller(request({ authorization: `Bearer ${TOKEN}` })).admin).toBe(true);
  });

  it('a session needs its own CSRF token for a write; no token configured: no writes at all', () => {
    const auth = new AdminAuth(TOKEN, pino({ level: 'silent' }));
    const session = auth.signIn(TOKEN, '10.0.0.3');
    const caller = auth.caller(request({ cookie: `other=1; feedagg_session=${session.id}` }));
    expect(caller).toEqual({ admin: true, csrf: session.csrf, bearer: false });
    expect(() => auth.requireWrite(caller, null)).toThrow(expect.objectContaining({ code: 'CSRF' }));
    expect(() => auth.requireWrite(caller, 'forged')).toThrow(expect.objectContaining({ code: 'CSRF' }));
    expect(() => auth.requireWrite(caller, session.csrf)).not.toThrow();
    expect(auth.caller(request({ cookie: 'feedagg_session=unknown' })).admin).toBe(false);
    const closed = new AdminAuth(null, pino({ level: 'silent' }));
    expect(() => closed.signIn(TOKEN, '10.0.0.3')).toThrow(expect.objectContaining({ code: 'READ_ONLY' }));
    expect(() => closed.requireWrite({ admin: false, csrf: null, bearer: false }, null)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  it('reads cookies and the Authorization header in linear time (2n / n < 3)', () => {
    const auth = new AdminAuth(TOKEN, pino({ level: 'silent' }));
    const cookies = measureDoubling((n) => request({ cookie: 'a=b; '.repeat(n) }), (input) => auth.sessionCaller(input), { startN: 1024 });
    expect(cookies.ratio, `n=${cookies.n}`).toBeLessThan(3);
    // A fresh AdminAuth per run: its limits would otherwise answer before the header is read.
    const silent = pino({ level: 'silent' });
    const bearer = measureDoubling((n) => `Bearer ${'a'.repeat(n)} ${' '.repeat(n)}x`, (header) => {
      try {
        new AdminAuth(TOKEN, silent).caller(request({ authorization: header }));
      } catch {
        // UNAUTHORIZED is the expected answer.
      }
    }, { startN: 1024 });
    expect(bearer.ratio, `n=${bearer.n}`).toBeLessThan(3);
  });
});
