/**
 * Hostile inputs for the fault suite, one class per source: what the server does, and the
 * typed outcome feedagg must record for it (or `ok`, with a check on what was published).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import type { Article } from '../../src/model/article.js';

export interface ClassView {
  code: string;
  state: string;
  itemsSeen: number;
  nextPollAt: string | null;
  /** The source's articles as stored (what events carry). */
  items: Article[];
  /** The published documents, all three. */
  documents: string;
  /** Everything the run shows about sources: `feedagg sources --json` and every process's log. */
  shown: string;
}

export interface HostileClass {
  name: string;
  /** Served on this loopback host: 127.0.0.1 unless a class holds its whole host back (429/503). */
  host?: string;
  handle(request: IncomingMessage, response: ServerResponse, ports: Record<string, number>): void;
  /** The source URL from its plain one (`http://host:port/name`): userinfo or a query added. */
  url?: (plain: string) => string;
  expect: string;
  /** Null when the published result is right, else what is wrong. */
  check?(view: ClassView): string | null;
}

const rss = (items: string, head = '') => `<?xml version="1.0" encoding="utf-8"?>${head}<rss version="2.0"><channel><title>Hostile</title><link>http://hostile.test/</link>${items}</channel></rss>`;
const item = (inner: string) => `<item>${inner}</item>`;
const send = (body: string | Buffer, type = 'application/rss+xml', headers: Record<string, string> = {}) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'Content-Type': type, ...headers }).end(body);
};
const status = (code: number, headers: Record<string, string> = {}) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(code, { 'Content-Type': 'text/plain', ...headers }).end(code === 204 ? undefined : `status ${code}`);
};
const redirect = (location: (ports: Record<string, number>) => string) => (_request: IncomingMessage, response: ServerResponse, ports: Record<string, number>) => {
  response.writeHead(302, { Location: location(ports) }).end();
};

let bombs: { gzip: Buffer; br: Buffer } | null = null;
/** 64 MB of spaces, compressed to a few KB each way. */
function bomb(): { gzip: Buffer; br: Buffer } {
  const plain = Buffer.alloc(64 * 1024 * 1024, 0x20);
  bombs ??= { gzip: gzipSync(plain, { level: 9 }), br: brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) };
  return bombs;
}

/** Write `total` bytes in chunks, minding back-pressure, until done or the client goes. */
function stream(response: ServerResponse, total: number, chunk: Buffer): void {
  let sent = 0;
  const write = (): void => {
    while (sent < total && !response.destroyed) {
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', write);
        return;
      }
    }
    response.end();
  };
  write();
}

const laughs = Array.from({ length: 10 }, (_, level) => (level === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`)).join('');
const HOSTILE = /<script|onerror=|onclick=|javascript:|<iframe/i;
const noScript = (view: ClassView) => {
  if (HOSTILE.test(view.documents)) return 'hostile markup reached a published document';
  return view.items.some((article) => HOSTILE.test(article.contentHtml ?? '')) ? 'hostile markup reached the stored content' : null;
};
const ownItems = (view: ClassView, count: number) => (view.items.length === count ? null : `${view.items.length} articles stored, ${count} expected`);

export const GOOD_SOURCES = 3;

const jsonFeed = (items: unknown[]) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Hostile JSON', items });
const linkWords = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon ';
/** The secrets planted in source URLs: none may be published, stored in view or logged. */
export const PLANTED_SECRETS = ['Us3rS3cret', 'T0kenS3cret'];
const BASIC = `Basic ${Buffer.from(`feeds:${PLANTED_SECRETS[0]}`).toString('base64')}`;
const secretsShown = (view: ClassView) => {
  const found = PLANTED_SECRETS.filter((secret) => view.documents.includes(secret) || view.shown.includes(secret));
  return found.length > 0 ? `${found.join(', ')} shown` : null;
};
const maxUrl = (view: ClassView) => (view.items.some((article) => [article.url, article.imageUrl, ...article.enclosures.map((enclosure) => enclosure.url)].some((url) => (url?.length ?? 0) > 8192)) ? 'a URL over 8 KB was stored' : null);

export function goodFeed(index: number): string {
  return rss(Array.from({ length: 3 }, (_, n) => item(`<title>Good ${index}.${n}</title><guid>good-${index}-${n}</guid><link>http://good.test/${index}/${n}</link><pubDate>${new Date(Date.now() - n * 3_600_000).toUTCString()}</pubDate><description>A fine story.</description>`)).join(''));
}

export const HOSTILE_CLASSES: HostileClass[] = [
  // Issue 15: time on the event loop, memory per item count, deep structures, secrets.
  { name: 'doctype-subset-bangs', expect: 'ok', check: (view) => ownItems(view, 1), handle: send(rss(item('<title>bangs</title><guid>1</guid>'), `<!DOCTYPE rss [${'<!'.repeat(300_000)}]>`)) },
  { name: 'doctype-never-closed', expect: 'PARSE', handle: send(`<?xml version="1.0"?><!DOCTYPE rss [${'<!ENTITY a "'.repeat(100_000)}`) },
  {
    name: 'json-ampersands-cut', expect: 'ok', handle: send(jsonFeed([{ id: '1', title: 'amp', content_html: `${'&'.repeat(524_287)}\n${'x'.repeat(100)}` }]), 'application/feed+json'),
    check: (view) => (Buffer.byteLength(view.items[0]?.contentHtml ?? '') <= 512 * 1024 ? ownItems(view, 1) : 'content over fetch.maxContentSize stored'),
  },
  { name: 'author-of-parentheses', expect: 'ok', check: (view) => ownItems(view, 1), handle: send(rss(item(`<title>parens</title><guid>1</guid><author>${'('.repeat(300_000)}</author>`))) },
  {
    name: 'unclosed-nested-divs', expect: 'ok', handle: send(jsonFeed([{ id: '1', title: 'divs', content_html: `${'<div>'.repeat(320_000)}text` }]), 'application/feed+json'),
    check: (view) => ownItems(view, 1),
  },
  { name: 'digits-and-commas', expect: 'ok', check: (view) => ownItems(view, 1), handle: send(rss(item(`<title>digits</title><guid>1</guid><description>${'1,'.repeat(300_000)}</description>`))) },
  { name: 'html-unclosed-links', expect: 'NOT_A_FEED', handle: send(`<!doctype html><html><head>${'<link rel="alternate" '.repeat(100_000)}`, 'text/html') },
  // 2.2 million empty items: linear, but about 8 s of reading (each is read, ranked and
  // pruned), past the suite's fetch.maxParseTime of 3 s; its thread is stopped and replaced.
  { name: 'items-past-parse-time', expect: 'PARSE_TIMEOUT', handle: send(rss('<item/>'.repeat(2_200_000))) },
  {
    name: 'json-500k-tiny-items', expect: 'ok', handle: send(`{"version":"https://jsonfeed.org/version/1.1","title":"Tiny","items":[${Array.from({ length: 500_000 }, (_, index) => `{"id":"${index}"}`).join(',')}]}`, 'application/feed+json'),
    check: (view) => (view.itemsSeen === 1000 ? null : `${view.itemsSeen} items stored, fetch.maxItems is 1000`),
  },
  {
    name: 'enclosure-url-9mb', expect: 'ok', handle: send(rss(item(`<title>enc</title><guid>1</guid><enclosure url="http://hostile.test/${'a'.repeat(9 * 1024 * 1024)}" type="audio/mpeg" length="1"/>`))),
    check: (view) => maxUrl(view) ?? ownItems(view, 1),
  },
  {
    name: 'atom-link-href-9mb', expect: 'ok', handle: send(`<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>l</title><id>urn:1</id><link href="http://hostile.test/${'b'.repeat(9 * 1024 * 1024)}"/></entry></feed>`, 'application/atom+xml'),
    check: (view) => maxUrl(view) ?? ownItems(view, 1),
  },
  { name: 'rss-json-deep-title', expect: 'PARSE', handle: send(`{"rss":{"channel":{"title":"t","item":[{"title":${'{"_":'.repeat(20_000)}"x"${'}'.repeat(20_000)}}]}}}`, 'application/json') },
  {
    name: 'userinfo-basic-auth', expect: 'ok', url: (plain) => plain.replace('http://', `http://feeds:${PLANTED_SECRETS[0]}@`),
    handle: (request, response) => (request.headers.authorization === BASIC ? send(rss(item('<title>private</title><guid>1</guid>')))(request, response) : status(401, { 'WWW-Authenticate': 'Basic realm="f"' })(request, response)),
    check: (view) => secretsShown(view) ?? ownItems(view, 1),
  },
  {
    name: 'query-token-failing', expect: 'HTTP_STATUS', url: (plain) => `${plain}?token=${PLANTED_SECRETS[1]}&lang=en`, handle: status(404),
    check: (view) => secretsShown(view) ?? (view.shown.includes('token=REDACTED') ? null : 'the redacted URL is not shown'),
  },
  {
    // 40 items of 4 KB whose HTML description is both their content and their summary. (Items
    // of 75 KB, 3 MB in the window, made every publish of the suite cost 100+ MB: see docs/fault-suite.md.)
    name: 'summary-copy-of-content', expect: 'ok',
    handle: send(rss(Array.from({ length: 40 }, (_, index) => item(`<title>copy ${index}</title><guid>c-${index}</guid><pubDate>${new Date(Date.now() + 60_000 + index).toUTCString()}</pubDate><description><![CDATA[<p>${`${linkWords}${index} `.repeat(32)}</p>]]></description>`)).join(''))),
    check: (view) => (view.documents.split(`${linkWords}0 `).length - 1 > 3 * 32 ? 'an item published its text twice' : ownItems(view, 40)),
  },
  { name: 'billion-laughs', expect: 'PARSE', handle: send(rss(item('<title>x</title><guid>1</guid><description>&lol9;</description>'), `<!DOCTYPE rss [${laughs}]>`)) },
  { name: 'quadratic-blowup', expect: 'PARSE', handle: send(rss(item(`<title>x</title><guid>1</guid><description>${'&a;'.repeat(20_000)}</description>`), `<!DOCTYPE rss [<!ENTITY a "${'x'.repeat(19_000)}">]>`)) },
  {
    name: 'xxe-file', expect: 'ok', handle: send(rss(item('<title>xxe</title><guid>1</guid><description>leak: &xxe;</description>'), '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
    check: (view) => (/root:/.test(JSON.stringify(view.items)) ? 'a local file was read' : ownItems(view, 1)),
  },
  {
    name: 'xxe-parameter-entity', expect: 'ok', handle: send(rss(item('<title>pe</title><guid>1</guid><description>leak: &leak;</description>'), '<!DOCTYPE rss [<!ENTITY % file SYSTEM "file:///etc/hostname"><!ENTITY % wrap "<!ENTITY leak \'%file;\'>">%wrap;]>')),
    check: (view) => ownItems(view, 1),
  },
  { name: 'body-100mb', expect: 'BODY_TOO_LARGE', handle: (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    stream(response, 100 * 1024 * 1024, Buffer.from(`<item><title>${'x'.repeat(4000)}</title></item>`.repeat(16)));
  } },
  { name: 'gzip-bomb', expect: 'BODY_TOO_LARGE', handle: (request, response) => send(bomb().gzip, 'application/rss+xml', { 'Content-Encoding': 'gzip' })(request, response) },
  { name: 'brotli-bomb', expect: 'BODY_TOO_LARGE', handle: (request, response) => send(bomb().br, 'application/rss+xml', { 'Content-Encoding': 'br' })(request, response) },
  { name: 'trickle', expect: 'FETCH_TIMEOUT', handle: (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write('<')), 300);
    response.on('close', () => clearInterval(timer));
  } },
  { name: 'never-answers', expect: 'FETCH_TIMEOUT', handle: () => undefined },
  { name: 'headers-then-stall', expect: 'FETCH_TIMEOUT', handle: (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    response.flushHeaders();
  } },
  { name: 'redirect-loop', expect: 'TOO_MANY_REDIRECTS', handle: redirect(() => '/redirect-loop') },
  { name: 'redirect-to-127.0.0.2', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://127.0.0.2:${ports.main}/x.xml`) },
  { name: 'redirect-to-decimal-ip', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://2130706434:${ports.main}/x.xml`) },
  { name: 'redirect-to-hex-ip', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://0x7f000002:${ports.main}/x.xml`) },
  { name: 'redirect-to-short-ip', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://127.2:${ports.main}/x.xml`) },
  { name: 'redirect-to-ipv6-loopback', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://[::1]:${ports.main}/x.xml`) },
  { name: 'redirect-to-ipv4-mapped', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://[::ffff:127.0.0.2]:${ports.main}/x.xml`) },
  { name: 'redirect-to-ipv4-compatible', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://[::127.0.0.2]:${ports.main}/x.xml`) },
  { name: 'redirect-to-nat64', expect: 'BLOCKED_ADDRESS', handle: redirect((ports) => `http://[64:ff9b::127.0.0.2]:${ports.main}/x.xml`) },
  { name: 'redirect-to-cloud-metadata', expect: 'BLOCKED_ADDRESS', handle: redirect(() => 'http://169.254.169.254/latest/meta-data/') },
  { name: 'redirect-to-private-10', expect: 'BLOCKED_ADDRESS', handle: redirect(() => 'http://10.0.0.1/feed.xml') },
  { name: 'redirect-to-link-local-v6', expect: 'BLOCKED_ADDRESS', handle: redirect(() => 'http://[fe80::1]/feed.xml') },
  { name: 'redirect-to-file', expect: 'BLOCKED_ADDRESS', handle: redirect(() => 'file:///etc/passwd') },
  {
    name: 'invalid-utf8', expect: 'ok',
    handle: send(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>H</title><item><title>Ærø café — 日本'), Buffer.from([0xff]), Buffer.from('語</title><guid>1</guid></item></channel></rss>')])),
    check: (view) => (view.items[0]?.title === 'Ærø café — 日本\uFFFD語' ? null : `title read as ${JSON.stringify(view.items[0]?.title)}`),
  },
  { name: 'deep-nesting', expect: 'PARSE', handle: send(rss(item(`<title>deep</title><guid>1</guid>${'<x>'.repeat(100_000)}`))) },
  {
    name: 'million-attributes', expect: 'ok',
    handle: send(rss(item(`<title a0="1"${Array.from({ length: 1_000_000 }, (_, index) => ` b${index.toString(36)}=""`).join('')}>Attributes</title><guid>1</guid>`))),
    check: (view) => ownItems(view, 1),
  },
  {
    name: '100k-items', expect: 'ok',
    handle: send(rss(Array.from({ length: 100_000 }, (_, index) => item(`<title>n${index}</title><guid>${index}</guid>`)).join(''))),
    check: (view) => (view.itemsSeen === 1000 ? null : `${view.itemsSeen} items stored, fetch.maxItems is 1000`),
  },
  {
    name: '10mb-title', expect: 'ok', handle: send(rss(item(`<title>${'Long '.repeat(2_000_000)}</title><guid>1</guid>`))),
    check: (view) => ((view.items[0]?.title.length ?? 0) <= 1000 ? ownItems(view, 1) : `a title of ${view.items[0]?.title.length} characters was stored`),
  },
  { name: 'html-page', expect: 'NOT_A_FEED', handle: send('<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>', 'text/html') },
  { name: 'non-feed-json', expect: 'NOT_A_FEED', handle: send('{"status":"ok","data":[1,2,3]}', 'application/json') },
  { name: 'empty-body', expect: 'NOT_A_FEED', handle: send('', 'application/rss+xml') },
  { name: 'binary-garbage', expect: 'NOT_A_FEED', handle: send(Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 251)), 'application/octet-stream') },
  { name: 'truncated-xml', expect: 'PARSE', handle: send(rss(item('<title>one</title><guid>1</guid>')).replace('</item></channel></rss>', '<description>cut here')) },
  { name: 'deep-json', expect: 'PARSE', handle: send(`{"version":"https://jsonfeed.org/version/1.1","items":${'['.repeat(500_000)}${']'.repeat(500_000)}}`, 'application/feed+json') },
  { name: 'status-204', expect: 'HTTP_STATUS', handle: status(204) },
  { name: 'status-404', expect: 'HTTP_STATUS', handle: status(404) },
  { name: 'status-410', expect: 'HTTP_STATUS', handle: status(410), check: (view) => (view.state === 'gone' ? null : `state ${view.state}, expected gone`) },
  {
    name: 'status-429-forever', host: '127.0.0.3', expect: 'HTTP_STATUS', handle: status(429, { 'Retry-After': '999999999999' }),
    check: (view) => (view.nextPollAt && Date.parse(view.nextPollAt) <= Date.now() + 24 * 3_600_000 + 60_000 ? null : `next poll ${view.nextPollAt}: Retry-After not capped at 24h`),
  },
  { name: 'status-503', host: '127.0.0.4', expect: 'HTTP_STATUS', handle: status(503, { 'Retry-After': '120' }) },
  { name: 'bot-challenge', expect: 'BOT_CHALLENGE', handle: status(403, { 'cf-mitigated': 'challenge' }) },
  {
    name: 'hostile-markup', expect: 'ok',
    handle: send(rss(item('<title>&lt;script&gt;alert(1)&lt;/script&gt;Title</title><guid>1</guid><description><![CDATA[<p onclick="x()">Hi<script>alert(2)</script><img src="x.png" onerror="alert(3)"><a href="javascript:alert(4)">a</a><iframe src="http://evil.test/"></iframe></p>]]></description>'))),
    check: (view) => noScript(view) ?? ownItems(view, 1),
  },
  {
    name: 'bad-dates', expect: 'ok',
    handle: send(rss(['0000-01-01', 'Fri, 31 Feb 2026 10:00:00 GMT', 'yesterday', '99999-99-99', '-1'].map((date, index) => item(`<title>d${index}</title><guid>${index}</guid><pubDate>${date}</pubDate>`)).join(''))),
    check: (view) => (view.items.every((article) => article.publishedAt === null) ? ownItems(view, 5) : 'a bad date was stored as a date'),
  },
  {
    name: 'reused-guids', expect: 'ok',
    handle: (request, response) => send(rss(Array.from({ length: 3 }, (_, index) => item(`<title>Headline ${index}</title><guid>same</guid><link>http://reused.test/index</link>`)).join(''), `<!-- ${Date.now()} -->`))(request, response),
    check: (view) => ownItems(view, 3),
  },
  {
    name: 'many-categories', expect: 'ok', handle: send(rss(item(`<title>tags</title><guid>1</guid>${Array.from({ length: 10_000 }, (_, index) => `<category>c${index}</category>`).join('')}`))),
    check: (view) => ((view.items[0]?.categories.length ?? 0) <= 100 ? ownItems(view, 1) : `${view.items[0]?.categories.length} categories stored`),
  },
  {
    name: 'huge-content', expect: 'ok', handle: send(rss(item(`<title>big</title><guid>1</guid><description>${'&lt;p&gt;paragraph of text&lt;/p&gt;'.repeat(200_000)}</description>`))),
    check: (view) => (Buffer.byteLength(view.items[0]?.contentHtml ?? '') <= 512 * 1024 ? ownItems(view, 1) : 'content over fetch.maxContentSize stored'),
  },
];
