/**
 * Issue 20: operators manage sources from the browser. A real `feedagg start`, a real Redis,
 * a real fixture site, and headless chromium through puppeteer-core: sign in, add a local
 * feed by its site URL and pick the discovered feed, see it polled and its articles listed,
 * pause it, edit its interval, remove it; the config file changes only in those lines.
 * Negative: read-only without a token, a form without its CSRF token, script in a feed title,
 * a config file that cannot be written, wrong tokens rate-limited and never logged.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'puppeteer-core';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { needs } from './helpers/needs.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
const TOKEN = 'console-test-token-0123456789';
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => Boolean(path && existsSync(path)));
const EVIL_TITLE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">Evil';

let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveStandardFeeds();
  server.serveFixture('/site/feed.xml', 'rss2.xml', 'application/rss+xml');
  server.routes.set('/site/', { contentType: 'text/html; charset=utf-8', body: '<!doctype html><html><head><title>Harbor site</title><link rel="alternate" type="application/rss+xml" title="Harbor RSS" href="/site/feed.xml"></head><body>The harbor.</body></html>' });
  server.routes.set('/evil.xml', { contentType: 'application/rss+xml', body: `<?xml version="1.0"?><rss version="2.0"><channel><title>${EVIL_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title><link>http://evil.example/</link><item><title>${EVIL_TITLE.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title><link>javascript:alert(1)</link><guid>e1</guid></item></channel></rss>` });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

/** A config as an operator writes it: comments, alignment, flow lists. */
function configText(port: number, extra = ''): string {
  return `# feedagg for the harbor desk
redis:
  url: "${redisUrl}"
  prefix: ${workspace.prefix}
http:
  port: ${port}
output:
  dir: ${workspace.outputDir}   # served at /feed.xml
  title: Harbor desk
schedule: { tick: 1s, minInterval: 1s, defaultInterval: 1h }
fetch:
  perHostInterval: 1ms

sources:
  # the first source: keep it
  - id: river
    url: "${server.url('/feed.json')}"
    tags: [rivers]          # aligned comment
    allowPrivateNetworks: true
${extra}`;
}

async function startFeedagg(port: number, env: Record<string, string> = {}): Promise<ProcessLog> {
  const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info', ...env } }));
  await start.waitFor(/feedagg started/);
  return start;
}

async function stop(start: ProcessLog): Promise<void> {
  start.child.kill('SIGTERM');
  expect(await start.exitWithin(15_000)).toBe(0);
}

async function call(method: string, url: string, options: { body?: unknown; token?: string; headers?: Record<string, string>; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await request(url, { method: method as 'GET', headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

/** Lines of `after` not in `before`, and the other way round. */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((line) => !a.includes(line)), removed: a.filter((line) => !b.includes(line)) };
}

async function launch(): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

async function submit(tab: Page, selector: string): Promise<void> {
  await Promise.all([tab.waitForNavigation({ waitUntil: 'load' }), tab.click(selector)]);
}

describe('the console (issue 20)', () => {
  it('signs in, adds a feed by its site URL, sees it polled, pauses, edits and removes it: the file changes only there', async (context) => {
    if (!needs(Boolean(CHROMIUM), 'chromium (apt-get install chromium, or set CHROMIUM_PATH)')) return context.skip();
    const port = await freePort();
    const original = configText(port);
    await writeFile(workspace.configPath, original);
    const start = await startFeedagg(port, { FEEDAGG_ADMIN_TOKEN: TOKEN });
    const base = `http://127.0.0.1:${port}`;
    const browser = await launch();
    try {
      const tab = await browser.newPage();
      await tab.setViewport({ width: 390, height: 844 });
      await tab.goto(`${base}/`, { waitUntil: 'load' });
      // Not signed in: no form that changes anything.
      expect(await tab.$('#add-form')).toBeNull();
      await Promise.all([tab.waitForNavigation(), tab.click('a[href="/console/sign-in"]')]);
      await tab.type('input[name="token"]', TOKEN);
      await submit(tab, '#sign-in button');
      expect(await tab.$eval('#notice', (node) => node.textContent)).toMatch(/Signed in/);
      const cookie = (await tab.cookies()).find((entry) => entry.name === 'feedagg_session');
      expect(cookie?.httpOnly).toBe(true);
      expect(cookie?.sameSite).toBe('Strict');

      // Add by the site's URL: the advertised feed is found and previewed by the poll's reader.
      await tab.type('#add-form input[name="url"]', server.url('/site/'));
      await tab.click('#add-form input[name="allowPrivateNetworks"]');
      await submit(tab, '#add-form button');
      expect(await tab.$eval('#discovered', (node) => node.textContent)).toMatch(/is a site; it offers 1 feed/);
      const candidates = await tab.$$eval('.candidate', (nodes) => nodes.map((node) => ({ feed: node.getAttribute('data-feed'), entries: [...node.querySelectorAll('.preview li')].map((li) => li.textContent?.trim() ?? '') })));
      expect(candidates).toHaveLength(1);
      expect(candidates[0]?.feed).toBe(server.url('/site/feed.xml'));
      expect(candidates[0]?.entries.join('\n')).toMatch(/Ferry timetable changes for the winter/);
      await tab.$eval('.candidate input[name="id"]', (node) => ((node as HTMLInputElement).value = ''));
      await tab.type('.candidate input[name="id"]', 'harbor');
      await tab.type('.candidate input[name="tags"]', 'news, port');
      await submit(tab, '.candidate button');
      expect(new URL(tab.url()).pathname).toBe('/sources/harbor');
      const added = await readFile(workspace.configPath, 'utf8');
      // The new item is the only change, at the end of the list (here the end of the file).
      expect(added).toBe(`${original}  - id: harbor\n    url: ${server.url('/site/feed.xml')}\n    tags: [news, port]\n    allowPrivateNetworks: true\n`);

      // Polled, and its articles listed on its page.
      const articles = await waitFor('the new source polled and its articles listed', async () => {
        await tab.goto(`${base}/sources/harbor`, { waitUntil: 'load' });
        const titles = await tab.$$eval('#articles li a', (links) => links.map((link) => link.textContent ?? ''));
        const state = await tab.$eval('#state', (node) => node.textContent);
        return titles.length === 3 && state === 'ok' ? titles : null;
      }, 30_000);
      expect(articles).toContain('New lighthouse keeper appointed');
      expect(await tab.$$eval('#outcomes tbody tr', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')))).toEqual(expect.arrayContaining([expect.arrayContaining(['ok', '200', expect.stringMatching(/KB|B$/)])]));

      // Pause: `enabled: false` is one line more. The page's script sends it through the API.
      const calls: string[] = [];
      tab.on('request', (sent) => calls.push(`${sent.method()} ${new URL(sent.url()).pathname}`));
      await submit(tab, 'form[action="/sources/harbor/pause"] button');
      expect(calls).toContain('POST /api/sources/harbor/pause');
      expect(await tab.$eval('#notice', (node) => node.textContent)).toMatch(/Paused/);
      expect(await tab.$eval('#enabled', (node) => node.textContent)).toBe('no (paused)');
      // Edit the interval: one line more.
      await tab.$eval('#edit-form input[name="interval"]', (node) => ((node as HTMLInputElement).value = ''));
      await tab.type('#edit-form input[name="interval"]', '7m');
      await submit(tab, '#edit-form button');
      expect(await tab.$eval('#interval', (node) => node.textContent)).toBe('7m');
      const edited = await readFile(workspace.configPath, 'utf8');
      expect(changedLines(added, edited)).toEqual({ added: ['    enabled: false', '    interval: 7m'], removed: [] });
      const list = await (await call('GET', `${base}/api/sources`)).json() as Array<{ id: string; state: string; interval: string | null }>;
      expect(list.find((source) => source.id === 'harbor')).toMatchObject({ state: 'disabled', interval: '7m' });

      // A forged form on another page (same site, other origin: the Strict cookie still goes
      // along) without the CSRF token: 403, and the file is unchanged.
      const beforeForged = await readFile(workspace.configPath, 'utf8');
      server.routes.set('/forged.html', { contentType: 'text/html', body: `<!doctype html><form method="post" action="${base}/sources/river/pause"><button id="go">win a prize</button></form>` });
      await tab.goto(server.url('/forged.html'), { waitUntil: 'load' });
      const [forged] = await Promise.all([tab.waitForNavigation({ waitUntil: 'load' }), tab.click('#go')]);
      expect(forged?.status()).toBe(403);
      expect(await tab.$eval('#error', (node) => node.textContent)).toMatch(/CSRF token/);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(beforeForged);
      await tab.goto(`${base}/sources/harbor`, { waitUntil: 'load' });

      // Remove, after the confirmation page: the file is the original again, byte for byte.
      await submit(tab, 'form[action="/sources/harbor/remove"] button');
      await submit(tab, 'form[action="/sources/harbor/remove?confirm=1"] button');
      expect(new URL(tab.url()).pathname).toBe('/');
      expect(await tab.$eval('#notice', (node) => node.textContent)).toMatch(/removed/);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);
      expect(await tab.$$eval('#sources tbody tr', (rows) => rows.map((row) => row.getAttribute('data-source')))).toEqual(['river']);
      // Usable at phone width: nothing wider than the screen.
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await tab.screenshot({ path: `${workspace.dir}/list.png` });
    } finally {
      await browser.close();
      await stop(start);
    }
  }, 120_000);

  it('keeps the API contract; refuses writes without the token, forms without their CSRF token, and rate-limits wrong tokens unlogged', async () => {
    const port = await freePort();
    const original = configText(port);
    await writeFile(workspace.configPath, original);
    const start = await startFeedagg(port, { FEEDAGG_ADMIN_TOKEN: TOKEN });
    const base = `http://127.0.0.1:${port}`;
    try {
      const listed = await call('GET', `${base}/api/sources`);
      expect(listed.status).toBe(200);
      expect(listed.json()).toEqual([expect.objectContaining({ id: 'river', url: server.url('/feed.json'), state: expect.any(String) })]);
      // Every write without a valid Bearer: 401.
      expect((await call('POST', `${base}/api/sources`, { body: { url: server.url('/rss.xml') } })).status).toBe(401);
      expect((await call('DELETE', `${base}/api/sources/river`)).status).toBe(401);
      expect((await call('PATCH', `${base}/api/sources/river`, { body: { interval: '5m' } })).status).toBe(401);
      // A feed URL: 201 with the source; a page that is no feed and offers none: a typed 422.
      const created = await call('POST', `${base}/api/sources`, { token: TOKEN, body: { url: server.url('/rss.xml'), id: 'harbor', allowPrivateNetworks: true } });
      expect(created.status).toBe(201);
      expect(created.json()).toMatchObject({ id: 'harbor', url: server.url('/rss.xml'), state: expect.any(String) });
      // A loopback feed without allowPrivateNetworks: refused by the poll's address guard, with the way out.
      const blocked = await call('POST', `${base}/api/sources`, { token: TOKEN, body: { url: server.url('/atom.xml') } });
      expect(blocked.status).toBe(422);
      expect(blocked.json()).toMatchObject({ error: { code: 'FETCH', field: 'url', message: expect.stringMatching(/BLOCKED_ADDRESS.*allowPrivateNetworks: true/) } });
      const notFeed = await call('POST', `${base}/api/sources`, { token: TOKEN, body: { url: server.url('/missing-page'), allowPrivateNetworks: true } });
      expect(notFeed.status).toBe(422);
      expect(notFeed.json()).toMatchObject({ error: { code: 'FETCH', field: 'url' } });
      const badInterval = await call('PATCH', `${base}/api/sources/harbor`, { token: TOKEN, body: { interval: 'soon' } });
      expect(badInterval.status).toBe(400);
      expect(badInterval.json()).toMatchObject({ error: { code: 'INVALID', field: 'interval' } });
      const duplicate = await call('POST', `${base}/api/sources`, { token: TOKEN, body: { url: server.url('/rss.xml'), allowPrivateNetworks: true } });
      expect(duplicate.json()).toMatchObject({ error: { code: 'CONFLICT', field: 'url' } });
      // Filters: one line each in the file; shown by the API.
      const beforeFilters = await readFile(workspace.configPath, 'utf8');
      const filtered = await call('PATCH', `${base}/api/sources/harbor`, { token: TOKEN, body: { include: ['ferry', '/harbou?r/i'], exclude: 'sponsored\n' } });
      expect(filtered.status).toBe(200);
      expect(filtered.json()).toMatchObject({ include: ['ferry', '/harbou?r/i'], exclude: ['sponsored'] });
      expect(changedLines(beforeFilters, await readFile(workspace.configPath, 'utf8'))).toEqual({ added: ['    include: [ferry, /harbou?r/i]', '    exclude: [sponsored]'], removed: [] });
      const badRegex = await call('PATCH', `${base}/api/sources/harbor`, { token: TOKEN, body: { exclude: ['/(unclosed/'] } });
      expect(badRegex.json()).toMatchObject({ error: { code: 'INVALID', field: 'exclude.0' } });
      expect((await call('POST', `${base}/api/sources/harbor/refresh`, { token: TOKEN })).status).toBe(202);
      expect((await call('DELETE', `${base}/api/sources/harbor`, { token: TOKEN })).status).toBe(204);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);

      // A signed-in session posting a form without its CSRF token (a forged form): 403, nothing changed.
      const signIn = await call('POST', `${base}/console/sign-in`, { form: { token: TOKEN } });
      expect(signIn.status).toBe(303);
      const session = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
      const forged = await call('POST', `${base}/sources/river/pause`, { headers: { cookie: session }, form: {} });
      expect(forged.status).toBe(403);
      const wrongCsrf = await call('POST', `${base}/sources/river/pause`, { headers: { cookie: session }, form: { csrf: 'guessed' } });
      expect(wrongCsrf.status).toBe(403);
      // The session alone does not make an API write either: its CSRF token must come along.
      expect((await call('DELETE', `${base}/api/sources/river`, { headers: { cookie: session } })).status).toBe(403);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);

      // OPML import: the dry-run list first, then the sources in the file; the API's plan is the same.
      const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body><outline text="Lakes"><outline type="rss" text="Lake news" xmlUrl="${server.url('/atom.xml')}"/></outline><outline type="rss" text="River" xmlUrl="${server.url('/feed.json')}"/></body></opml>`;
      const csrf = /name="csrf" value="([^"]+)"/.exec((await call('GET', `${base}/console/import`, { headers: { cookie: session } })).text)?.[1] ?? '';
      const plan = await call('POST', `${base}/console/import`, { headers: { cookie: session }, form: { csrf, opml } });
      expect(plan.status).toBe(200);
      expect(plan.text).toMatch(/<td>lake-news<\/td>.*<td>new<\/td>/s);
      expect(plan.text).toMatch(/already a source/);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);
      const apiPlan = await call('POST', `${base}/api/import`, { token: TOKEN, body: { opml } });
      expect(apiPlan.json()).toMatchObject({ added: [{ id: 'lake-news', tags: ['Lakes'] }], skipped: [{ reason: 'already a source' }], written: false });
      const imported = await call('POST', `${base}/console/import`, { headers: { cookie: session }, form: { csrf, opml, confirm: '1' } });
      expect(imported.status).toBe(303);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(`${original}  - id: lake-news\n    url: ${server.url('/atom.xml')}\n    title: Lake news\n    tags: [Lakes]\n`);
      expect((await call('DELETE', `${base}/api/sources/lake-news`, { token: TOKEN })).status).toBe(204);
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);

      // Wrong tokens: 401, then 429 with Retry-After; logged with the client, never the token.
      const wrong = 'wrong-token-that-must-not-be-logged';
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 7; attempt += 1) statuses.push((await call('POST', `${base}/api/sources`, { token: `${wrong}-${attempt}`, body: { url: server.url('/rss.xml') } })).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const limited = await call('POST', `${base}/console/sign-in`, { form: { token: TOKEN } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await start.waitFor(/wrong admin token/);
      expect(start.text).not.toContain(wrong);
      expect(start.text).not.toContain(TOKEN);
    } finally {
      await stop(start);
    }
  }, 90_000);

  it('is read-only without an admin token, renders script from a feed inert, and offers YAML when the file cannot be written', async () => {
    const port = await freePort();
    const original = configText(port, `  - id: evil\n    url: "${server.url('/evil.xml')}"\n    allowPrivateNetworks: true\n`);
    await writeFile(workspace.configPath, original);
    let start = await startFeedagg(port);
    const base = `http://127.0.0.1:${port}`;
    try {
      const home = await call('GET', `${base}/`);
      expect(home.text).toContain('id="read-only"');
      expect(home.text).not.toContain('id="add-form"');
      expect(home.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(home.text).not.toMatch(/<script|<style/);
      expect(home.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
      expect((await call('POST', `${base}/api/sources`, { body: { url: server.url('/rss.xml') } })).status).toBe(401);
      expect((await call('POST', `${base}/api/sources`, { token: TOKEN, body: { url: server.url('/rss.xml') } })).status).toBe(403);
      expect((await call('POST', `${base}/console/sign-in`, { form: { token: TOKEN } })).status).toBe(403);
      await waitFor('the evil feed polled', async () => ((await call('GET', `${base}/api/sources/evil`)).json() as { state: string }).state === 'ok' || null, 30_000);
      if (needs(Boolean(CHROMIUM), 'chromium (apt-get install chromium, or set CHROMIUM_PATH)')) {
        const browser = await launch();
        try {
          const tab = await browser.newPage();
          await tab.goto(`${base}/`, { waitUntil: 'load' });
          expect(await tab.$eval('#read-only', (node) => node.textContent)).toMatch(/Read-only: no admin token/);
          expect(await tab.$$eval('form[method="post"]', (forms) => forms.length)).toBe(0);
          for (const path of ['/', '/sources/evil']) {
            await tab.goto(`${base}${path}`, { waitUntil: 'load' });
            expect(await tab.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
            expect(await tab.$$eval('script', (nodes) => nodes.length)).toBe(0);
          }
          expect(await tab.$eval('#articles', (node) => node.textContent)).toContain('Evil');
        } finally {
          await browser.close();
        }
      }
      await stop(start);

      // With a token, and the file made read-only by its operator: the console says so, and a
      // change is refused with the YAML to paste; the file stays as it was.
      start = await startFeedagg(port, { FEEDAGG_ADMIN_TOKEN: TOKEN });
      await chmod(workspace.configPath, 0o444);
      const signIn = await call('POST', `${base}/console/sign-in`, { form: { token: TOKEN } });
      const session = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
      const page = await call('GET', `${base}/`, { headers: { cookie: session } });
      expect(page.text).toMatch(/id="config-read-only"[^>]*>[^<]*read-only/);
      const refused = await call('PATCH', `${base}/api/sources/river`, { token: TOKEN, body: { interval: '5m' } });
      expect(refused.status).toBe(409);
      expect(refused.json()).toMatchObject({ error: { code: 'CONFIG_READ_ONLY', yaml: expect.stringContaining('interval: 5m') } });
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const form = await call('POST', `${base}/sources/river/edit`, { headers: { cookie: session }, form: { csrf, interval: '5m', tags: 'rivers', title: '' } });
      expect(form.status).toBe(409);
      expect(form.text).toMatch(/id="paste"[^>]*>[^<]*interval: 5m/);
      if (CHROMIUM) {
        // In the browser: the source page says so, and a save shows the YAML to paste.
        const browser = await launch();
        try {
          const tab = await browser.newPage();
          await tab.goto(`${base}/console/sign-in`, { waitUntil: 'load' });
          await tab.type('input[name="token"]', TOKEN);
          await submit(tab, '#sign-in button');
          await tab.goto(`${base}/sources/river`, { waitUntil: 'load' });
          expect(await tab.$eval('#config-read-only', (node) => node.textContent)).toMatch(/read-only/);
          await tab.$eval('#edit-form input[name="interval"]', (node) => ((node as HTMLInputElement).value = '9m'));
          await submit(tab, '#edit-form button');
          expect(await tab.$eval('#notice', (node) => node.textContent)).toMatch(/read-only.*nothing was changed/);
          expect(await tab.$eval('#paste', (node) => node.textContent)).toContain('interval: 9m');
        } finally {
          await browser.close();
        }
      }
      expect(await readFile(workspace.configPath, 'utf8')).toBe(original);
    } finally {
      await chmod(workspace.configPath, 0o644).catch(() => undefined);
      await stop(start);
    }
  }, 120_000);
});

