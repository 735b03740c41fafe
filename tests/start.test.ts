/**
 * `feedagg start`: the job scheduler tick polls due sources, the publish job writes the files,
 * the HTTP server serves them, and SIGTERM shuts everything down cleanly (exit 0).
 */
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/rss.xml', 'rss2.xml', 'application/rss+xml');
  server.serveFixture('/feed.json', 'feed.json', 'application/feed+json');
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));


async function fetchText(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

describe('feedagg start', () => {
  it('polls on the scheduler tick, serves the published feed and stops on SIGTERM', async () => {
    const port = await freePort();
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      output: { dir: workspace.outputDir, maxAge: '3650d' },
      schedule: { tick: '1s' },
      fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
      sources: [
        { id: 'harbor', url: server.url('/rss.xml') },
        { id: 'river', url: server.url('/feed.json') },
      ],
    });
    const child = spawnCli(['start', '--config', workspace.configPath], { env: { PORT: String(port) } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor('/healthz', async () => ((await fetchText(`${base}/healthz`)).status === 200 ? true : null));
      const feed = await waitFor('5 items in /feed.json', async () => {
        const response = await fetchText(`${base}/feed.json`);
        const items = response.status === 200 ? (JSON.parse(response.body) as { items: unknown[] }).items : [];
        return items.length === 5 ? response.body : null;
      });
      expect(feed).toContain('Water levels rise after rain');
      const redis = new Redis(redisUrl);
      const schedule = await redis.zrange(`${workspace.prefix}:store:schedule`, 0, -1, 'WITHSCORES');
      redis.disconnect();
      // Both sources were polled and rescheduled about 30 minutes (±10 %) ahead.
      const nextTimes = schedule.filter((_, index) => index % 2 === 1).map(Number);
      for (const next of nextTimes) expect(next - Date.now()).toBeGreaterThan(25 * 60_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/"level":50/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a port in use is one clear error, with no spurious "Server is not running" (issue 16, defect 12)', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, () => resolve((blocker.address() as { port: number }).port)));
    try {
      await workspace.writeConfig({ redis: { url: redisUrl, prefix: workspace.prefix }, http: { port }, output: { dir: workspace.outputDir }, sources: [] });
      const { runCli } = await import('./helpers/cli.js');
      const result = await runCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' }, timeoutMs: 30_000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on port ${port}`);
      expect(result.stderr).not.toContain('Server is not running');
    } finally {
      blocker.close();
    }
  });
});
