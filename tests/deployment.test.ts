/**
 * One deployment, one truth (issue 16, defect 1): `start` publishes the deployment's settings;
 * workers with a file of only `redis` poll with the deployment's fetch policy (the fixture
 * server is on loopback: the worker's own defaults would refuse it, BLOCKED_ADDRESS), only
 * start publishes, and what it serves is what it wrote, with the deployment's title and links.
 * `refresh` and `run --once` beside it use the same deployment, and a worker told to use its
 * own deployment keys says once that they are ignored.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
const SOURCES = 6;
let server: FixtureServer;
let workspace: Workspace;
const processes: ProcessLog[] = [];

function feed(index: number, stories: number): string {
  const items = Array.from({ length: stories }, (_, story) => `<item><title>Source ${index} story ${story}</title><link>https://site${index}.example/${story}</link><guid>https://site${index}.example/${story}</guid><pubDate>${new Date(Date.UTC(2026, 10, 1 + story, index)).toUTCString()}</pubDate><category>${index % 2 === 0 ? 'tech' : 'world'}</category><description>Story ${story} of source ${index}.</description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Site ${index}</title><link>https://site${index}.example/</link>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  server = await new FixtureServer().start();
  for (let index = 0; index < SOURCES; index += 1) server.routes.set(`/s${index}.xml`, { body: feed(index, 3), contentType: 'application/rss+xml' });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(async () => {
  for (const process of processes.splice(0)) {
    if (process.child.exitCode === null) process.child.kill('SIGKILL');
  }
  await workspace.cleanup(redisUrl);
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

function spawn(args: string[], env: Record<string, string> = {}): ProcessLog {
  const log = new ProcessLog(spawnCli(args, { env: { LOG_LEVEL: 'info', ...env } }));
  processes.push(log);
  return log;
}

describe('one deployment', () => {
  it('start plus two workers with minimal files: one fetch policy, one publisher, the same bytes everywhere', async () => {
    const port = await freePort();
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      output: { dir: workspace.outputDir, title: 'The Deployment Digest', link: 'https://digest.example/', maxAge: '3650d' },
      outputs: [{ path: 'tech', title: 'Tech only', sources: ['s0', 's2'] }],
      schedule: { tick: '1s', minInterval: '1s' },
      // start takes one poll at a time, so the workers take most of them.
      fetch: { allowPrivateNetworks: true, perHostInterval: '10ms', perHostConcurrency: 8, concurrency: 1 },
      sources: Array.from({ length: SOURCES }, (_, index) => ({ id: `s${index}`, url: server.url(`/s${index}.xml`) })),
    });
    const minimal = join(workspace.dir, 'worker.yaml');
    await writeFile(minimal, stringify({ redis: { url: redisUrl, prefix: workspace.prefix } }));
    // Workers first (as a deployment may come up): they adopt the deployment when start publishes it.
    const workers = [spawn(['worker', '--config', minimal]), spawn(['worker', '--config', minimal])];
    for (const worker of workers) await worker.waitFor(/feedagg worker started/);
    const start = spawn(['start', '--config', workspace.configPath], { PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    const served = await waitFor('every story in /feed.json', async () => {
      const response = await get(`${base}/feed.json`);
      return response.status === 200 && (JSON.parse(response.body) as { items: unknown[] }).items.length === SOURCES * 3 ? response.body : null;
    }, 30_000);
    const all = [start, ...workers];
    // Every poll succeeded, on whichever process: the workers fetched loopback as the deployment allows.
    expect(all.map((process) => process.text).join('\n')).not.toMatch(/BLOCKED_ADDRESS/);
    expect(workers.some((worker) => /"msg":"polled"/.test(worker.text))).toBe(true);
    // One publisher: start (the workers never publish, so never with settings of their own).
    for (const worker of workers) expect(worker.text).not.toMatch(/"msg":"published"/);
    const document = JSON.parse(served) as { title: string; home_page_url: string; feed_url: string };
    expect(document).toMatchObject({ title: 'The Deployment Digest', home_page_url: 'https://digest.example/' });
    expect(document.feed_url).toMatch(/^https:\/\/digest\.example\//);
    // Served bytes = written bytes, for every output (the extra output too).
    await waitFor('the files to match what is served', async () => {
      for (const path of ['feed.json', 'feed.xml', 'atom.xml', 'tech/feed.xml']) {
        const response = await get(`${base}/${path}`);
        if (response.status !== 200 || response.body !== (await readFile(join(workspace.outputDir, path), 'utf8'))) return null;
      }
      return true;
    });
    const tech = await readFile(join(workspace.outputDir, 'tech', 'feed.xml'), 'utf8');
    expect(tech).toContain('<title>Tech only</title>');
    expect(tech).toContain('Source 0 story');
    expect(tech).not.toContain('Source 1 story');

    // refresh and run --once with the minimal file poll the deployment's sources with its policy.
    const refreshed = await runCli(['refresh', 's3', '--config', minimal], { timeoutMs: 30_000 });
    expect(refreshed.stdout).toMatch(/s3/);
    expect(refreshed.code).toBe(0);
    const once = await runCli(['run', '--once', '--config', minimal], { timeoutMs: 60_000 });
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(new RegExp(`${SOURCES} sources`));
    const afterOnce = JSON.parse(await readFile(join(workspace.outputDir, 'feed.json'), 'utf8')) as { title: string; items: unknown[] };
    expect(afterOnce).toMatchObject({ title: 'The Deployment Digest' });
    expect(afterOnce.items).toHaveLength(SOURCES * 3);

    for (const process of all) process.child.kill('SIGTERM');
    for (const process of all) expect(await process.exitWithin(15_000)).toBe(0);
  }, 90_000);

  it('a worker whose file sets deployment keys says once which ones it ignores', async () => {
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      output: { dir: workspace.outputDir },
      fetch: { allowPrivateNetworks: true },
      sources: [{ id: 's0', url: server.url('/s0.xml') }],
    });
    const start = spawn(['start', '--config', workspace.configPath], { PORT: '0' });
    await start.waitFor(/feedagg started/);
    const own = join(workspace.dir, 'worker.yaml');
    await writeFile(own, stringify({ redis: { url: redisUrl, prefix: workspace.prefix }, fetch: { concurrency: 4, timeout: '2s' }, output: { title: 'Mine' }, sources: [{ id: 'x', url: 'https://x.example/feed' }] }));
    const worker = spawn(['worker', '--config', own]);
    const warning = await worker.waitFor(/belong to the deployment and are ignored/);
    expect(JSON.parse(warning)).toMatchObject({ ignored: ['output', 'fetch.timeout', 'sources'] });
    await worker.waitFor(/feedagg worker started/);
    expect(worker.lines.filter((line) => line.includes('are ignored'))).toHaveLength(1);
  });

  it('a worker with no deployment in Redis yet says so and uses its own file', async () => {
    await writeFile(workspace.configPath, stringify({ redis: { url: redisUrl, prefix: workspace.prefix } }));
    const worker = spawn(['worker', '--config', workspace.configPath]);
    await worker.waitFor(/no deployment settings in Redis yet/);
  });
});
