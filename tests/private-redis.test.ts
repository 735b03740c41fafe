/**
 * The private redis-server lives as long as `start` (issue 16, defect 4): killed, it is started
 * again (same port, data folder and AOF) within 5 s, and said so; while it is away every page
 * answers within 1 s: the documents from memory or the files, the status page, /metrics and
 * /opml.xml from memory or 503 with the reason, never a hang.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let server: FixtureServer;
let workspace: Workspace;
let start: ProcessLog | null = null;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/rss.xml', 'rss2.xml', 'application/rss+xml');
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(async () => {
  if (start && start.child.exitCode === null) {
    start.child.kill('SIGTERM');
    await start.exitWithin(15_000).catch(() => start?.child.kill('SIGKILL'));
  }
  start = null;
  await workspace.cleanup();
});

async function timed(url: string): Promise<{ status: number; ms: number; body: string }> {
  const began = Date.now();
  const response = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  const body = await response.body.text();
  return { status: response.statusCode, ms: Date.now() - began, body };
}

describe('the private redis-server of start', () => {
  it('is started again within 5 s after a kill -9, and every page answers within 1 s meanwhile', async (context) => {
    const [httpPort, redisPort] = [await freePort(), await freePort()];
    await workspace.writeConfig({
      redis: { prefix: workspace.prefix, port: redisPort },
      http: { port: httpPort },
      output: { dir: workspace.outputDir, maxAge: '3650d' },
      schedule: { tick: '1s' },
      fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
      sources: [{ id: 'harbor', url: server.url('/rss.xml') }],
    });
    start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
    const base = `http://127.0.0.1:${httpPort}`;
    await waitFor('the polled feed published', async () => ((await timed(`${base}/feed.xml`)).body.includes('<item>') ? true : null), 30_000);
    await waitFor('the file to be what Redis serves', async () => ((await timed(`${base}/atom.xml`)).body === (await readFile(join(workspace.outputDir, 'atom.xml'), 'utf8')) ? true : null));
    const pid = Number(/process_id:(\d+)/.exec(execFileSync('redis-cli', ['-p', String(redisPort), 'info', 'server']).toString())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const killed = Date.now();
    // While it is away (the restart takes a moment): nothing hangs.
    for (const path of ['/atom.xml', '/feed.json', '/feed.xml', '/', '/metrics', '/opml.xml', '/readyz', '/healthz']) {
      const page = await timed(`${base}${path}`);
      expect(page.ms, path).toBeLessThan(1_500);
      expect([200, 503], path).toContain(page.status);
      if (path === '/feed.json') {
        // Never served by this process before: read from the file the publish wrote.
        expect(page.status).toBe(200);
        expect(page.body).toBe(await readFile(join(workspace.outputDir, 'feed.json'), 'utf8'));
      }
      if (page.status === 503 && path !== '/readyz') expect(page.body, path).toMatch(/Redis|unavailable/i);
    }
    const back = JSON.parse(await start.waitFor(/the private redis-server is back/, 10_000)) as { ms: number; time: number };
    expect(back.time - killed).toBeLessThan(5_000);
    expect(start.text).toMatch(/the private redis-server exited; starting it again/);
    await waitFor('/readyz to say ready again', async () => ((await timed(`${base}/readyz`)).status === 200 ? true : null), 20_000);
    expect((await timed(`${base}/`)).status).toBe(200);
    expect(start.child.exitCode).toBeNull();
  }, 60_000);
});
