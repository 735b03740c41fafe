/**
 * Several outputs, WebSub and serving: extra filtered feeds under their own path, a hub on
 * 127.0.0.1 pinged after each change (and not when nothing changed), the window, and
 * `feedagg start` serving every output.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let hub: Server;
let hubUrl: string;
const pings: URLSearchParams[] = [];
let workspace: Workspace;

beforeAll(async () => {
  server = (await new FixtureServer().start()).serveStandardFeeds();
  hub = createServer((incoming, response) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      pings.push(new URLSearchParams(body));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as { port: number }).port}/hub`;
});
afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => hub.close(resolve));
});
beforeEach(async () => {
  workspace = await createWorkspace();
  pings.length = 0;
});
afterEach(() => workspace.cleanup(redisUrl));

async function configure(extra: Record<string, unknown> = {}): Promise<void> {
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, title: 'All', link: 'http://feeds.test/', maxAge: '3650d', websubHub: hubUrl },
    outputs: [
      { path: 'weather', title: 'Weather', include: ['weather', '/snow|rain/i'] },
      { path: 'coast', sources: ['harbor', 'river'], exclude: ['festival'] },
      { path: 'tagged/news', tags: ['news'] },
    ],
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources: [
      { id: 'harbor', url: server.url('/rss.xml'), tags: ['news'] },
      { id: 'mountain', url: server.url('/atom.xml'), tags: ['outdoors'] },
      { id: 'river', url: server.url('/feed.json') },
    ],
    ...extra,
  });
}

async function titles(folder: string): Promise<string[]> {
  const document = JSON.parse(await readFile(join(workspace.outputDir, folder, 'feed.json'), 'utf8')) as { title: string; items: Array<{ title: string }> };
  return document.items.map((item) => item.title).sort();
}

describe('extra outputs', () => {
  it('write filtered feeds in three formats under their own path', async () => {
    await configure();
    expect((await runCli(['run', '--once', '--config', workspace.configPath])).code).toBe(0);
    expect(await titles('')).toHaveLength(7);
    expect(await titles('weather')).toEqual(['Snow on the high pass', 'Water levels rise after rain']);
    expect(await titles('coast')).toEqual(['Bridge repairs finished', 'Ferry timetable changes for the winter', 'New lighthouse keeper appointed', 'Water levels rise after rain']);
    expect(await titles('tagged/news')).toEqual(['Ferry timetable changes for the winter', 'Fish market & harbor festival return', 'New lighthouse keeper appointed']);
    const atom = await readFile(join(workspace.outputDir, 'weather', 'atom.xml'), 'utf8');
    expect(atom).toContain('<title>Weather</title>');
    expect(atom).toContain('<link rel="self" href="http://feeds.test/weather/atom.xml"/>');
    const rss = await readFile(join(workspace.outputDir, 'tagged/news', 'feed.xml'), 'utf8');
    expect(rss).toContain('<title>All: tagged/news</title>');
  });

  it('the window: output.maxItems and output.maxAge', async () => {
    await configure({ output: { dir: workspace.outputDir, link: 'http://feeds.test/', maxItems: 2, maxAge: '3650d' } });
    await runCli(['run', '--once', '--config', workspace.configPath]);
    // Newest first by published date.
    expect((JSON.parse(await readFile(join(workspace.outputDir, 'feed.json'), 'utf8')) as { items: Array<{ title: string }> }).items.map((item) => item.title))
      .toEqual(['Water levels rise after rain', 'Bridge repairs finished']);
    await configure({ output: { dir: workspace.outputDir, link: 'http://feeds.test/', maxAge: '1h' } });
    await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(await titles('')).toEqual([]); // every fixture item is older than an hour
  });
});

describe('WebSub', () => {
  it('advertises the hub and pings it with the changed documents, not when nothing changed', async () => {
    await configure();
    await runCli(['run', '--once', '--config', workspace.configPath]);
    // One ping per publish that changed something (a poll finishing may publish before the last one).
    expect(pings.length).toBeGreaterThanOrEqual(1);
    expect(pings.every((ping) => ping.get('hub.mode') === 'publish')).toBe(true);
    expect(pings.flatMap((ping) => ping.getAll('hub.url'))).toEqual(expect.arrayContaining(['http://feeds.test/feed.xml', 'http://feeds.test/atom.xml', 'http://feeds.test/feed.json', 'http://feeds.test/weather/feed.xml']));
    const afterFirstRun = pings.length;
    expect(await readFile(join(workspace.outputDir, 'atom.xml'), 'utf8')).toContain(`<link rel="hub" href="${hubUrl}"/>`);
    expect(await readFile(join(workspace.outputDir, 'feed.xml'), 'utf8')).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);
    await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(pings).toHaveLength(afterFirstRun);
  });
});

describe('serving every output', () => {
  it('feedagg start serves the main and the extra outputs with their content types', async () => {
    await configure({ schedule: { tick: '1s' } });
    const port = await freePort();
    const child = spawnCli(['start', '--config', workspace.configPath], { env: { PORT: String(port) } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 20_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = await request(`${base}/weather/feed.json`).then(async (response) => {
          const text = await response.body.text();
          return response.statusCode === 200 && text.includes('Snow on the high pass') ? 200 : response.statusCode;
        }, () => 0);
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
      for (const [path, type] of [['/tagged/news/atom.xml', 'application/atom+xml; charset=utf-8'], ['/coast/feed.xml', 'application/rss+xml; charset=utf-8']]) {
        // The first publish writes the outputs one after another: a later one may still be on its way.
        let response = await request(`${base}${path}`);
        while (response.statusCode === 503 && Date.now() < deadline) {
          await response.body.dump();
          await new Promise((resolve) => setTimeout(resolve, 100));
          response = await request(`${base}${path}`);
        }
        await response.body.dump();
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe(type);
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
