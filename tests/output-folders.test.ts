/**
 * An output folder that cannot be written is found and said (issue 16, defect 6: start came
 * up "ready" while every publish failed ENOTDIR in the log only; the status page said "Last
 * publish: never" with no reason; run --once ended with "unexpected error" and a stack trace).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/rss.xml', 'rss2.xml', 'application/rss+xml');
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

/** output.dir under a regular file: every write fails ENOTDIR. */
async function blockedConfig(extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(workspace.dir, 'not-a-folder');
  await writeFile(file, 'a file');
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: join(file, 'public'), maxAge: '3650d' },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources: [{ id: 'harbor', url: server.url('/rss.xml') }],
    ...extra,
  });
  return join(file, 'public');
}

describe('an output folder that cannot be written', () => {
  it('start logs it at once, /readyz is 503 naming it, the status page says why the publish failed', async () => {
    const port = await freePort();
    const dir = await blockedConfig({ http: { port }, schedule: { tick: '1s' } });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' } }));
    try {
      const line = await start.waitFor(/the output folders cannot be written/);
      expect(line).toContain('ENOTDIR');
      const base = `http://127.0.0.1:${port}`;
      const ready = await waitFor('/readyz', async () => {
        const response = await get(`${base}/readyz`).catch(() => null);
        return response && response.status === 503 && response.body.includes('publish') && !response.body.includes('"publish":"ok"') ? response : null;
      });
      const body = JSON.parse(ready.body) as { status: string; outputs: string; publish: string };
      expect(body.status).toBe('not ready');
      expect(body.outputs).toContain(dir);
      expect(body.outputs).toContain('ENOTDIR');
      expect(body.publish).toMatch(/OUTPUT: cannot write/);
      const page = await get(`${base}/`);
      expect(page.body).toMatch(/id="publish-error"[^>]*>The last publish failed/);
      expect(page.body).toContain('ENOTDIR');
    } finally {
      start.child.kill('SIGTERM');
    }
    expect(await start.exitWithin(15_000)).toBe(0);
  });

  it('run --once prints its summary and one clear OUTPUT error, no stack trace (exit 1)', async () => {
    await blockedConfig();
    const result = await runCli(['run', '--once', '--config', workspace.configPath], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/harbor/);
    expect(result.stdout).toMatch(/every source was polled; the publish failed/);
    expect(result.stderr).toMatch(/feedagg: OUTPUT: cannot write the published files under .*ENOTDIR/);
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });
});
