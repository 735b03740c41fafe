/** On its defaults (no REDIS_URL, no redis.url) the CLI finds or starts a Redis by itself. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let server: FixtureServer;
let workspace: Workspace;
beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/feed.json', 'feed.json', 'application/feed+json');
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
let usedLocalRedis = false;
afterEach(() => workspace.cleanup(usedLocalRedis ? inject('redisUrl') : undefined));

/** A config with no Redis URL: the commands must find or start a Redis themselves. */
function writeDefaultsConfig(extra: Record<string, unknown> = {}): Promise<void> {
  return workspace.writeConfig({
    redis: { prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources: [{ id: 'river', url: server.url('/feed.json') }],
    ...extra,
  });
}

describe('Redis on defaults', () => {
  it('run --once without any Redis configured starts its own redis-server under ./data/redis, and stops it', async () => {
    usedLocalRedis = false;
    await writeDefaultsConfig();
    const result = await runCli(['run', '--once', '--config', workspace.configPath], { cwd: workspace.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/river\s+200\s+2\s+2/);
    // The private server wrote its append-only file under ./data/redis and was stopped.
    expect(await readdir(join(workspace.dir, 'data', 'redis'))).toContain('appendonlydir');
  });

  // FEEDAGG_LOCAL_REDIS names the "local" Redis (127.0.0.1:6379 unless set): here the test Redis.
  it('run --once without any Redis configured uses the local Redis when one answers, and starts none', async () => {
    usedLocalRedis = true;
    await writeDefaultsConfig();
    const result = await runCli(['run', '--once', '--config', workspace.configPath], { cwd: workspace.dir, env: { FEEDAGG_LOCAL_REDIS: inject('redisUrl'), LOG_LEVEL: 'info' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/river\s+200\s+2\s+2/);
    expect(result.stderr).toContain('using the Redis that answers on');
    expect(await readdir(workspace.dir)).not.toContain('data');
  });
});

describe('a private redis-server shared between feedagg processes', () => {
  it('a second command finds the server the first one started instead of starting another', async () => {
    usedLocalRedis = false;
    await writeDefaultsConfig({ http: { port: 0 } });
    const child = spawnCli(['start', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!stderr.includes('feedagg started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stderr).toContain('feedagg started');
      const sources = await runCli(['sources', '--json', '--config', workspace.configPath], { cwd: workspace.dir, env: { LOG_LEVEL: 'info' } });
      expect(sources.code).toBe(0);
      expect(sources.stderr).toContain('using the private redis-server another feedagg process started');
      // The second command saw the state the first one keeps (the source was synced and scheduled).
      expect(JSON.parse(sources.stdout)[0]).toMatchObject({ id: 'river', state: 'active' });
      expect((JSON.parse(sources.stdout)[0] as { nextPollAt: string | null }).nextPollAt).not.toBeNull();
      expect(stderr).toContain('private redis-server is up');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(await readdir(join(workspace.dir, 'data', 'redis'))).not.toContain('feedagg-redis.url');
  });
});
