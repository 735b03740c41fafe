/**
 * The fetcher against a fault-injecting server on loopback: validators, compression, a gzip
 * bomb, charsets, redirects, status codes, timeouts, the address guard, HTML pages.
 */
import { createServer, type Server } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedaggError } from '../src/errors.js';
import { AddressPolicy, defaultBlockList } from '../src/fetch/address-guard.js';
import { fetchFeed, type FetchOptions } from '../src/fetch/fetch-feed.js';
import { closeHttpClients, createHttpClients, type HttpClients } from '../src/fetch/http-clients.js';
import { readFeed } from '../src/pipeline/read-feed.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';

let server: FixtureServer;
let clients: HttpClients;
const RSS = fixture('rss2.xml');

beforeAll(async () => {
  server = await new FixtureServer().start();
  clients = createHttpClients();
});
afterAll(async () => {
  await server.stop();
  await closeHttpClients(clients);
});

function options(overrides: Partial<FetchOptions> = {}): FetchOptions {
  return { timeoutMs: 3_000, maxBodySize: 1024 * 1024, userAgent: 'feedagg/test', dispatcher: clients.open, guard: null, ...overrides };
}

async function fetchError(url: string, overrides: Partial<FetchOptions> = {}): Promise<FeedaggError> {
  const error = await fetchFeed(url, options(overrides)).then(() => null, (caught: unknown) => caught);
  if (!(error instanceof FeedaggError)) throw new Error(`expected a FeedaggError, got ${String(error)}`);
  return error;
}

describe('conditional GET', () => {
  it('sends If-None-Match and gets 304 from an ETag server', async () => {
    server.routes.set('/etag.xml', { body: RSS, validators: true });
    const first = await fetchFeed(server.url('/etag.xml'), options());
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"/);
    const second = await fetchFeed(server.url('/etag.xml'), options({ etag: first.etag, lastModified: first.lastModified }));
    expect(second).toMatchObject({ status: 304, notModified: true, etag: first.etag });
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe(first.etag);
  });

  it('sends If-Modified-Since and gets 304 from a Last-Modified-only server', async () => {
    const lastModified = 'Wed, 04 Nov 2026 12:00:00 GMT';
    server.routes.set('/lm.xml', {
      handler: (request, response) => {
        if (request.headers['if-modified-since'] === lastModified) response.writeHead(304).end();
        else response.writeHead(200, { 'Last-Modified': lastModified, 'Content-Type': 'application/xml' }).end(RSS);
      },
    });
    const first = await fetchFeed(server.url('/lm.xml'), options());
    expect(first.lastModified).toBe(lastModified);
    const second = await fetchFeed(server.url('/lm.xml'), options({ lastModified: first.lastModified }));
    expect(second.notModified).toBe(true);
  });
});

describe('compression', () => {
  it.each([
    ['gzip', gzipSync(RSS)],
    ['deflate', deflateSync(RSS)],
    ['br', brotliCompressSync(RSS)],
  ])('decodes %s and asks for it', async (encoding, body) => {
    server.routes.set(`/${encoding}.xml`, { body, headers: { 'Content-Encoding': encoding } });
    const result = await fetchFeed(server.url(`/${encoding}.xml`), options());
    expect(result.body.equals(RSS)).toBe(true);
    expect(server.requests.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('stops a gzip bomb at maxBodySize of decompressed bytes', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MB of zeros, ~64 KB on the wire
    expect(bomb.length).toBeLessThan(200 * 1024);
    server.routes.set('/bomb.xml', { body: bomb, headers: { 'Content-Encoding': 'gzip' } });
    const error = await fetchError(server.url('/bomb.xml'), { maxBodySize: 1024 * 1024 });
    expect(error.code).toBe('BODY_TOO_LARGE');
  });

  it('refuses a plain body over maxBodySize', async () => {
    server.routes.set('/big.xml', { body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    expect((await fetchError(server.url('/big.xml'), { maxBodySize: 1024 * 1024 })).code).toBe('BODY_TOO_LARGE');
  });
});

describe('charsets', () => {
  const TITLE: Record<string, string> = {
    'windows-1250': 'Žluťoučký kůň', 'windows-1251': 'Привет, мир', 'windows-1252': 'Café “quoted” €',
    'windows-1253': 'Καλημέρα', 'windows-1254': 'Günaydın', 'windows-1256': 'مرحبا',
    'iso-8859-1': 'Crème brûlée', 'iso-8859-2': 'Zażółć gęślą', 'iso-8859-5': 'Здравствуйте', 'iso-8859-7': 'Ελληνικά',
    'iso-8859-15': 'Prix: 5 €', 'koi8-r': 'Добрый день', shift_jis: '日本語のニュース', gb18030: '中文新闻标题',
    big5: '繁體中文新聞', 'euc-kr': '한국어 뉴스', 'utf-16le': 'Ünïcödé 16', 'utf-16be': 'Ünïcödé BE', 'utf-32le': 'Ünïcödé 32',
  };
  const document = (charset: string, title: string) =>
    `<?xml version="1.0" encoding="${charset}"?><rss version="2.0"><channel><title>${title}</title><link>http://c.example/</link><item><title>${title}</title><link>http://c.example/1</link></item></channel></rss>`;

  it.each(Object.entries(TITLE))('%s, declared in the Content-Type', async (charset, title) => {
    const wide = /^utf-(16|32)/.test(charset);
    const bytes = iconv.encode(document(charset, title), charset, { addBOM: wide });
    server.routes.set(`/cs-${charset}.xml`, { body: bytes, contentType: `application/rss+xml; charset=${charset}` });
    const result = await fetchFeed(server.url(`/cs-${charset}.xml`), options());
    const feed = await readFeed({ sourceId: 'c', body: result.body, contentType: result.contentType, documentUrl: result.url, now: new Date() });
    expect(feed.feed.title).toBe(title);
    expect(feed.entries[0]?.article.title).toBe(title);
  });

  it.each(['windows-1251', 'shift_jis', 'iso-8859-2'])('%s, declared only in the XML declaration', async (charset) => {
    const title = TITLE[charset] ?? '';
    const bytes = iconv.encode(document(charset, title), charset);
    server.routes.set(`/decl-${charset}.xml`, { body: bytes, contentType: 'application/xml' });
    const result = await fetchFeed(server.url(`/decl-${charset}.xml`), options());
    const feed = await readFeed({ sourceId: 'c', body: result.body, contentType: result.contentType, documentUrl: result.url, now: new Date() });
    expect(feed.feed.title).toBe(title);
  });
});

describe('redirects', () => {
  it('follows a chain of 301, 302, 307, 308 and reports every hop', async () => {
    server.routes.set('/r1', { status: 301, headers: { Location: '/r2' } });
    server.routes.set('/r2', { status: 302, headers: { Location: '/r3' } });
    server.routes.set('/r3', { status: 307, headers: { Location: '/r4' } });
    server.routes.set('/r4', { status: 308, headers: { Location: '/final.xml' } });
    server.routes.set('/final.xml', { body: RSS });
    const result = await fetchFeed(server.url('/r1'), options());
    expect(result.url).toBe(server.url('/final.xml'));
    expect(result.redirects.map((hop) => hop.status)).toEqual([301, 302, 307, 308]);
  });

  it('stops a redirect loop and a chain longer than 5', async () => {
    server.routes.set('/loop-a', { status: 302, headers: { Location: '/loop-b' } });
    server.routes.set('/loop-b', { status: 302, headers: { Location: '/loop-a' } });
    expect((await fetchError(server.url('/loop-a'))).code).toBe('TOO_MANY_REDIRECTS');
    for (let hop = 0; hop < 6; hop += 1) server.routes.set(`/long${hop}`, { status: 301, headers: { Location: `/long${hop + 1}` } });
    server.routes.set('/long6', { body: RSS });
    expect((await fetchError(server.url('/long0'))).code).toBe('TOO_MANY_REDIRECTS');
    server.routes.set('/five0', { status: 301, headers: { Location: '/long2' } });
    expect((await fetchFeed(server.url('/five0'), options())).redirects).toHaveLength(5);
  });

  it('sends a source\'s own headers to its origin only, never across a cross-origin hop', async () => {
    // 127.0.0.1 and localhost are two origins of one server: the hop to localhost is cross-origin.
    const credentials = { Authorization: 'Bearer s3cret', Cookie: 'session=abc', 'X-Api-Key': 'k' };
    server.routes.set('/auth-start', { status: 302, headers: { Location: '/auth-same' } });
    server.routes.set('/auth-same', { status: 301, headers: { Location: `http://localhost:${server.port}/auth-other` } });
    server.routes.set('/auth-other', { status: 302, headers: { Location: server.url('/auth-back') } });
    server.routes.set('/auth-back', { body: RSS });
    await fetchFeed(server.url('/auth-start'), options({ headers: credentials }));
    const seen = (path: string) => server.requests.filter((request) => request.path === path).at(-1)?.headers;
    for (const path of ['/auth-start', '/auth-same']) {
      expect(seen(path)).toMatchObject({ authorization: 'Bearer s3cret', cookie: 'session=abc', 'x-api-key': 'k' });
    }
    // Once a chain has left the origin, nothing it leads to gets them again.
    for (const path of ['/auth-other', '/auth-back']) {
      expect(seen(path)?.authorization).toBeUndefined();
      expect(seen(path)?.cookie).toBeUndefined();
      expect(seen(path)?.['x-api-key']).toBeUndefined();
      expect(seen(path)?.['user-agent']).toBe('feedagg/test');
    }
  });

  it.each(['file:///etc/passwd', 'data:text/xml,<rss/>', 'gopher://127.0.0.1:70/'])('refuses a redirect to %s', async (location) => {
    server.routes.set('/to-elsewhere', { status: 302, headers: { Location: location } });
    const error = await fetchError(server.url('/to-elsewhere'));
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toMatch(/refusing to follow a redirect to a (file|data|gopher):/);
  });
});

describe('status codes and faults', () => {
  it.each([
    [404, 'HTTP_STATUS', false],
    [204, 'HTTP_STATUS', true],
    [410, 'HTTP_STATUS', false],
    [500, 'HTTP_STATUS', true],
    [503, 'HTTP_STATUS', true],
  ])('HTTP %i → %s (retryable: %s)', async (status, code, retryable) => {
    server.routes.set(`/status-${status}`, { status, body: 'x' });
    const error = await fetchError(server.url(`/status-${status}`));
    expect(error).toMatchObject({ code, status, retryable });
  });

  it.each([
    ['seconds', '120', (now: number) => now + 120_000],
    ['an HTTP date', 'Fri, 27 Nov 2099 10:00:00 GMT', () => Date.parse('Fri, 27 Nov 2099 10:00:00 GMT')],
  ])('429 with Retry-After in %s carries the time to wait until', async (_form, header, expected) => {
    server.routes.set('/limited', { status: 429, headers: { 'Retry-After': header } });
    const now = 1_800_000_000_000;
    const error = await fetchError(server.url('/limited'), { now: () => now, maxRetryAfterMs: 100 * 365 * 86_400_000 });
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.retryAfter).toBe(expected(now));
  });

  it.each([
    ['a huge number of seconds', '999999999999'],
    ['a far HTTP date', 'Fri, 27 Nov 2099 10:00:00 GMT'],
  ])('caps Retry-After given as %s at maxRetryAfter', async (_form, header) => {
    server.routes.set('/limited-forever', { status: 429, headers: { 'Retry-After': header } });
    const now = 1_800_000_000_000;
    expect((await fetchError(server.url('/limited-forever'), { now: () => now })).retryAfter).toBe(now + 24 * 3_600_000);
    expect((await fetchError(server.url('/limited-forever'), { now: () => now, maxRetryAfterMs: 60_000 })).retryAfter).toBe(now + 60_000);
  });

  it('recognises a bot challenge', async () => {
    server.routes.set('/challenge', { status: 403, headers: { 'cf-mitigated': 'challenge' }, body: '<html>…</html>' });
    expect((await fetchError(server.url('/challenge'))).code).toBe('BOT_CHALLENGE');
  });

  it('gives up on a server that never answers within the timeout', async () => {
    server.routes.set('/hang', { handler: () => undefined });
    const error = await fetchError(server.url('/hang'), { timeoutMs: 500 });
    expect(error).toMatchObject({ code: 'FETCH_TIMEOUT', retryable: true });
  });

  it('waiting for a per-host slot does not count against the timeout', async () => {
    server.routes.set('/slow-slot.xml', { body: RSS });
    const result = await fetchFeed(server.url('/slow-slot.xml'), options({
      timeoutMs: 300,
      beforeRequest: async () => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return async () => undefined;
      },
    }));
    expect(result.status).toBe(200);
  });

  it('times out a body that trickles forever', async () => {
    server.routes.set('/trickle', {
      handler: (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/xml' });
        response.write('<rss version="2.0"><channel>');
        const timer = setInterval(() => response.write(' '), 50);
        response.on('close', () => clearInterval(timer));
      },
    });
    expect((await fetchError(server.url('/trickle'), { timeoutMs: 600 })).code).toBe('FETCH_TIMEOUT');
  });

  it('classifies a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await fetchError(`http://127.0.0.1:${port}/`)).code).toBe('CONNECTION');
  });

  it('an HTML page instead of a feed is NOT_A_FEED, naming the advertised feeds', async () => {
    server.routes.set('/blog/', { body: fixture('page.html'), contentType: 'text/html' });
    const result = await fetchFeed(server.url('/blog/'), options());
    const error = await readFeed({ sourceId: 'b', body: result.body, contentType: result.contentType, documentUrl: result.url, now: new Date() }).catch((caught: unknown) => caught);
    expect((error as FeedaggError).code).toBe('NOT_A_FEED');
    expect((error as FeedaggError).message).toContain(server.url('/feed.xml'));
  });
});

describe('address guard', () => {
  it.each([
    ['an IP literal', () => server.url('/guarded.xml')],
    ['a name that resolves to loopback', () => `http://localhost:${server.port}/guarded.xml`],
    ['an IPv4-compatible IPv6 literal', () => `http://[::127.0.0.1]:${server.port}/guarded.xml`],
    ['a NAT64 IPv6 literal', () => `http://[64:ff9b::127.0.0.1]:${server.port}/guarded.xml`],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${server.port}/guarded.xml`],
    ['a decimal IPv4 literal', () => `http://2130706433:${server.port}/guarded.xml`],
  ])('refuses %s with BLOCKED_ADDRESS; no request reaches the server', async (_name, url) => {
    server.routes.set('/guarded.xml', { body: RSS });
    const before = server.hits('/guarded.xml');
    const error = await fetchError(url(), { dispatcher: clients.guarded, guard: clients.guard });
    expect(error).toMatchObject({ code: 'BLOCKED_ADDRESS', retryable: false });
    expect(server.hits('/guarded.xml')).toBe(before);
  });

  it('checks every redirect hop: an allowed host redirecting to a blocked one is refused before connecting', async () => {
    const inner = await new FixtureServer().start('127.0.0.2');
    let connections = 0;
    const innerServer = (inner as unknown as { server: Server }).server;
    innerServer.on('connection', () => (connections += 1));
    inner.routes.set('/secret.xml', { body: RSS });
    // The default guard with one exception, 127.0.0.1 (fetch.allowAddresses), so only the first hop is allowed.
    const policy = new AddressPolicy(undefined, ['127.0.0.1/32']);
    const guarded = createHttpClients(policy);
    server.routes.set('/to-inner', { status: 302, headers: { Location: `http://127.0.0.2:${inner.port}/secret.xml` } });
    try {
      const error = await fetchError(server.url('/to-inner'), { dispatcher: guarded.guarded, guard: policy });
      expect(error.code).toBe('BLOCKED_ADDRESS');
      expect(connections).toBe(0);
      expect(inner.hits('/secret.xml')).toBe(0);
    } finally {
      await closeHttpClients(guarded);
      await inner.stop();
    }
  });

  it('the default block list lets public addresses through', () => {
    const list = defaultBlockList();
    expect(list.check('93.184.216.34', 'ipv4')).toBe(false);
  });
});
