/**
 * Hostile documents served on loopback and read through `feedagg run --once`: each fails (or
 * is cut down) alone, with a typed outcome, while the other sources are published.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { queuedEvents } from './helpers/article-queue.js';
import { runCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
const RSS = fixture('rss2.xml');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.routes.set('/good.xml', { body: RSS, contentType: 'application/rss+xml' });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

async function runWith(sources: Array<Record<string, unknown>>, fetch: Record<string, unknown> = {}) {
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    fetch: { timeout: '10s', allowPrivateNetworks: true, perHostInterval: '10ms', ...fetch },
    sources: [...sources, { id: 'good', url: server.url('/good.xml') }],
  });
  return runCli(['run', '--once', '--config', workspace.configPath], { env: { LOG_LEVEL: 'warn' } });
}

function items(count: number, item: (index: number) => string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title><link>http://many.test/</link>${Array.from({ length: count }, (_, index) => item(index)).join('')}</channel></rss>`;
}

describe('hostile documents', () => {
  it('quadratic entity blowup fails its source with PARSE naming the entity limit; the others are published', async () => {
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "${'x'.repeat(19_000)}">]><rss version="2.0"><channel><title>t</title><item><title>i</title><guid>1</guid><description>${'&a;'.repeat(20_000)}</description></item></channel></rss>`;
    server.routes.set('/quadratic.xml', { body: doc, contentType: 'application/rss+xml' });
    const result = await runWith([{ id: 'quadratic', url: server.url('/quadratic.xml') }]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/quadratic\s+200\s+0.*FAILED PARSE: entity expansion limit/);
    expect(result.stdout).toMatch(/good\s+200\s+3\s+3/);
    const sources = JSON.parse((await runCli(['sources', '--json', '--config', workspace.configPath])).stdout) as Array<{ id: string; lastError: { code: string } | null }>;
    expect(sources.find((row) => row.id === 'quadratic')?.lastError?.code).toBe('PARSE');
  });

  it('100k entries: the newest fetch.maxItems are read, with a warning, not a failure', async () => {
    const now = Date.now();
    server.routes.set('/huge.xml', { body: items(100_000, (index) => `<item><title>n${index}</title><guid>${index}</guid><pubDate>${new Date(now - index * 60_000).toUTCString()}</pubDate></item>`), contentType: 'application/rss+xml' });
    const result = await runWith([{ id: 'huge', url: server.url('/huge.xml') }], { maxItems: 500 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/huge\s+200\s+500\s+500/);
    expect(result.stderr).toMatch(/"warnings":\["99500 of 100000 entries dropped \(fetch.maxItems 500; the newest are kept\)"\]/);
    const feed = JSON.parse(await readFile(join(workspace.outputDir, 'feed.json'), 'utf8')) as { items: Array<{ title: string }> };
    expect(feed.items[0]?.title).toBe('n0');
  });

  it('a 5 MB title travels cut to fetch.maxTitleLength, in the store, the events and the feeds', async () => {
    server.routes.set('/title.xml', { body: items(1, () => `<item><title>${'Long '.repeat(1_000_000)}</title><guid>long</guid></item>`), contentType: 'application/rss+xml' });
    const result = await runWith([{ id: 'title', url: server.url('/title.xml') }]);
    expect(result.code).toBe(0);
    const events = await queuedEvents(redisUrl, workspace.prefix);
    const long = events.find((event) => event.data.article.sourceId === 'title');
    expect(long?.data.article.title.length).toBe(1000);
    expect(JSON.stringify(long?.data).length).toBeLessThan(5_000);
    expect(result.stderr).toMatch(/1 titles cut at 1000 characters/);
  });

  it('entries that share guid and link but not title settle: no update on later polls whose bytes changed', async () => {
    let poll = 0;
    server.routes.set('/reused.xml', {
      handler: (_request, response) => {
        poll += 1;
        response.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(items(3, (index) => `<item><title>Headline ${index}</title><guid>same</guid><link>http://reused.test/index</link></item>`).replace('<title>Many</title>', `<title>Many</title><lastBuildDate>poll ${poll}</lastBuildDate>`));
      },
    });
    for (let round = 0; round < 4; round += 1) {
      const result = await runWith([{ id: 'reused', url: server.url('/reused.xml') }]);
      expect(result.stdout).toMatch(round === 0 ? /reused\s+200\s+3\s+3\s+0\s+0/ : /reused\s+200\s+3\s+0\s+0\s+0/);
    }
    const events = (await queuedEvents(redisUrl, workspace.prefix)).filter((event) => event.data.article.sourceId === 'reused');
    expect(events.map((event) => event.name)).toEqual(['article.created', 'article.created', 'article.created']);
  });

  it('a JSON Feed title with markup is text in every published format', async () => {
    server.routes.set('/markup.json', { body: JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: 'x', url: 'http://j.test/x', title: '<script>alert(1)</script>News', content_text: 'body' }] }), contentType: 'application/feed+json' });
    const result = await runWith([{ id: 'markup', url: server.url('/markup.json') }]);
    expect(result.code).toBe(0);
    const rss = await readFile(join(workspace.outputDir, 'feed.xml'), 'utf8');
    const atom = await readFile(join(workspace.outputDir, 'atom.xml'), 'utf8');
    expect(rss).toContain('<title><![CDATA[&lt;script&gt;alert(1)&lt;/script&gt;News]]></title>');
    expect(atom).toContain('<title type="text">&lt;script&gt;alert(1)&lt;/script&gt;News</title>');
    expect(rss + atom).not.toMatch(/<script/);
  });
});

describe('run --once with many sources', () => {
  it('prints no MaxListenersExceededWarning with 12 sources', async () => {
    const result = await runWith(Array.from({ length: 12 }, (_, index) => ({ id: `s${index}`, url: `${server.url('/good.xml')}?n=${index}` })));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/13 sources, 0 failed/);
    expect(result.stderr).not.toMatch(/MaxListenersExceededWarning/);
  });
});
