/**
 * One-shot commands never wait forever and never leave a process behind (issue 16, defects
 * 2, 3 and 5), on their defaults (no REDIS_URL): a signal during `run --once` stops its
 * private redis-server and prints what finished; `refresh` gives up when the private server it
 * shares goes away; `sources` never starts a server of its own to report from.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRIVATE_PORT, portIsFree, redisAnswers } from '../src/redis/embedded-redis.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let server: FixtureServer;
let workspace: Workspace;
beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/feed.json', 'feed.json', 'application/feed+json');
  // Answers after 60 s: a poll that is still running when the test acts.
  server.routes.set('/slow.xml', { handler: (_request, response) => void setTimeout(() => response.writeHead(200).end('<rss/>'), 60_000).unref() });
});
let portWasFree: Promise<boolean> = Promise.resolve(false);
beforeEach(() => {
  portWasFree = portIsFree(DEFAULT_PRIVATE_PORT);
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup());

function writeDefaultsConfig(extra: Record<string, unknown> = {}): Promise<void> {
  return workspace.writeConfig({
    redis: { prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms', timeout: '90s' },
    sources: [{ id: 'river', url: server.url('/feed.json') }, { id: 'slow', url: server.url('/slow.xml') }],
    ...extra,
  });
}

const marker = () => join(workspace.dir, 'data', 'redis', 'feedagg-redis.url');

describe('one-shot commands on their defaults', () => {
  it('sources with no Redis to read exits 1 at once and starts no redis-server', async (context) => {
    await writeDefaultsConfig();
    const result = await runCli(['sources', '--config', workspace.configPath], { cwd: workspace.dir, timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/REDIS_UNAVAILABLE: no Redis to read/);
    expect(existsSync(join(workspace.dir, 'data', 'redis', 'appendonlydir'))).toBe(false);
  });

  it('SIGTERM during run --once prints what finished and stops the private redis-server', async (context) => {
    await writeDefaultsConfig();
    const run = new ProcessLog(spawnCli(['run', '--once', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
    let stdout = '';
    run.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await waitFor('the private redis-server', async () => (existsSync(marker()) ? (await readFile(marker(), 'utf8')).trim() : null));
    await waitFor('both polls to start', async () => (server.hits('/slow.xml') > 0 && server.hits('/feed.json') > 0 ? true : null));
    await waitFor('the river poll to finish', async () => (/"source":"river".*"msg":"polled"/.test(run.text) ? true : null));
    run.child.kill('SIGTERM');
    expect(await run.exitWithin(20_000)).toBe(1);
    expect(stdout).toMatch(/river\s+200/);
    expect(stdout).toContain('1 of 2 sources finished before the run stopped');
    expect(run.text).toMatch(/stopped by SIGTERM/);
    expect(await redisAnswers(url)).toBe(false);
    expect(existsSync(marker())).toBe(false);
  });

  for (const [command, moment] of [['run', 'the private redis-server is up'], ['start', 'the private redis-server is up'], ['start', 'start has started (its first publish runs)']] as const) {
    it(`a signal to ${command} when ${moment} stops its private redis-server with it`, async (context) => {
      await writeDefaultsConfig({ http: { port: 0 }, sources: [{ id: 'river', url: server.url('/feed.json') }] });
      const args = command === 'run' ? ['run', '--once'] : ['start'];
      const child = new ProcessLog(spawnCli([...args, '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
      const url = await waitFor('the private redis-server', async () => (existsSync(marker()) ? (await readFile(marker(), 'utf8')).trim() : null));
      if (moment.startsWith('start has started')) await child.waitFor(/feedagg started/);
      child.child.kill('SIGINT');
      const code = await child.exitWithin(15_000);
      expect([0, 1]).toContain(code);
      expect(await redisAnswers(url)).toBe(false);
      expect(existsSync(marker())).toBe(false);
      expect(child.text).not.toMatch(/unexpected error/);
    });
  }

  it('redis-url prints the private redis-server start runs (port 6390 when free), and the example consumer finds the same', async (context) => {
    await writeDefaultsConfig({ http: { port: 0 }, sources: [{ id: 'river', url: server.url('/feed.json') }] });
    const none = await runCli(['redis-url', '--config', workspace.configPath], { cwd: workspace.dir });
    expect(none.code).toBe(1);
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
    try {
      await start.waitFor(/feedagg started/);
      const printed = await runCli(['redis-url', '--config', workspace.configPath], { cwd: workspace.dir });
      expect(printed.code).toBe(0);
      const url = printed.stdout.trim();
      expect(url).toBe((await readFile(marker(), 'utf8')).trim());
      if (await portWasFree) expect(url).toBe(`redis://127.0.0.1:${DEFAULT_PRIVATE_PORT}`);
      const { consumerTarget } = await import('../examples/consumer.js');
      const cwd = process.cwd();
      process.chdir(workspace.dir);
      try {
        expect(await consumerTarget({ FEEDAGG_CONFIG: workspace.configPath })).toEqual({ url, prefix: workspace.prefix });
      } finally {
        process.chdir(cwd);
      }
    } finally {
      start.child.kill('SIGTERM');
      expect(await start.exitWithin(20_000)).toBe(0);
    }
  });

  it('refresh gives up within 20 s when the private redis-server it shares goes away', async (context) => {
    await writeDefaultsConfig({ http: { port: 0 } });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
    let refresh: ProcessLog | null = null;
    try {
      await start.waitFor(/feedagg started/);
      await waitFor('the slow poll to start', async () => (server.hits('/slow.xml') > 0 ? true : null));
      // refresh joins the poll in flight (one poll per source) and waits for its outcome.
      refresh = new ProcessLog(spawnCli(['refresh', 'slow', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } }));
      await refresh.waitFor(/using the private redis-server another feedagg process started/);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      start.child.kill('SIGTERM');
      await start.exitWithin(20_000);
      const gone = Date.now();
      expect(await refresh.exitWithin(25_000)).toBe(1);
      expect(Date.now() - gone).toBeLessThan(20_000);
      expect(refresh.text).toMatch(/REDIS_UNAVAILABLE/);
    } finally {
      // On a failure, no process of this test may outlive it.
      for (const child of [start.child, refresh?.child]) if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
