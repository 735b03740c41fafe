/**
 * Issue 12: `feedagg start` reloads its config on SIGHUP and when the file changes. For each
 * trigger: a source added (polled soon), changed (its next poll uses the new URL), removed
 * (off the schedule, its articles stay) and an invalid file (refused, the old config runs on).
 * A `feedagg worker` whose config has no sources at all polls from the definitions in Redis.
 */
import { rename, writeFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/redis/embedded-redis.js';
import { storeKeys } from '../src/store/keys.js';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;
let redis: Redis;

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveStandardFeeds();
  redis = new Redis(redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

interface Reloaded {
  msg: string;
  trigger: string;
  added?: string[];
  removed?: string[];
  changed?: string[];
}

async function feedItems(port: number): Promise<Array<{ id: string; url: string }>> {
  const response = await request(`http://127.0.0.1:${port}/feed.json`);
  if (response.statusCode !== 200) {
    await response.body.dump();
    return [];
  }
  return ((await response.body.json()) as { items: Array<{ id: string; url: string }> }).items;
}

describe('hot reload of feedagg start', () => {
  it.each(['file changed', 'SIGHUP'])('applies an added, a changed and a removed source, and refuses an invalid file (%s)', async (trigger) => {
    const port = await freePort();
    const base = {
      redis: { url: redisUrl, prefix: workspace.prefix },
      http: { port },
      output: { dir: workspace.outputDir },
      schedule: { tick: '1s', minInterval: '1s', defaultInterval: '1s' },
      fetch: { allowPrivateNetworks: true, perHostInterval: '1ms' },
    };
    const harbor = { id: 'harbor', url: server.url('/rss.xml'), interval: '1s' };
    // Saved as editors do: a new file renamed over the old one.
    const save = async (config: Record<string, unknown>) => {
      await writeFile(`${workspace.configPath}.tmp`, typeof config.text === 'string' ? config.text : stringify(config));
      await rename(`${workspace.configPath}.tmp`, workspace.configPath);
    };
    await workspace.writeConfig({ ...base, sources: [harbor] });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' } }));
    // Polls go to a worker with no sources of its own, too.
    const workerConfig = `${workspace.dir}/worker.yaml`;
    await writeFile(workerConfig, stringify({ redis: base.redis, fetch: base.fetch }));
    const worker = new ProcessLog(spawnCli(['worker', '--config', workerConfig], { env: { LOG_LEVEL: 'info' } }));
    const keys = storeKeys(workspace.prefix);
    let seen = 0;
    const reloaded = async (): Promise<Reloaded> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const index = start.lines.findIndex((line, at) => at >= seen && line.includes(`"trigger":"${trigger}"`));
        if (index >= 0) {
          seen = index + 1;
          return JSON.parse(start.lines[index] ?? '{}') as Reloaded;
        }
        if (Date.now() > deadline) throw new Error(`no reload by ${trigger} in:\n${start.text.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const apply = async (config: Record<string, unknown>): Promise<Reloaded> => {
      await save(config);
      if (trigger === 'SIGHUP') start.child.kill('SIGHUP');
      return reloaded();
    };
    try {
      await start.waitFor(/feedagg started/);
      await worker.waitFor(/feedagg worker started/);
      await waitFor('harbor published', async () => ((await feedItems(port)).length === 3 ? true : null), 20_000);

      // Added: polled soon, without a restart.
      const added = await apply({ ...base, sources: [harbor, { id: 'river', url: server.url('/feed.json'), interval: '1s' }] });
      expect(added).toMatchObject({ msg: 'config reloaded', added: ['river'], removed: [] });
      await waitFor('river published', async () => ((await feedItems(port)).length === 5 ? true : null), 20_000);

      // Changed: the next poll of harbor uses the new URL.
      const atomHits = server.hits('/atom.xml');
      const changed = await apply({ ...base, sources: [{ ...harbor, url: server.url('/atom.xml') }, { id: 'river', url: server.url('/feed.json'), interval: '1s' }] });
      expect(changed).toMatchObject({ msg: 'config reloaded', changed: ['harbor'], added: [], removed: [] });
      await waitFor('harbor polled at its new URL', async () => (server.hits('/atom.xml') > atomHits ? true : null), 20_000);

      // Removed: off the schedule, its articles stay published.
      const removed = await apply({ ...base, sources: [{ ...harbor, url: server.url('/atom.xml') }] });
      expect(removed).toMatchObject({ msg: 'config reloaded', removed: ['river'] });
      expect(await redis.zscore(keys.schedule, 'river')).toBeNull();
      // Not polled again: harbor (the same 1 s interval) was polled twice since, river never.
      const riverHits = server.hits('/feed.json');
      const harborHits = server.hits('/atom.xml');
      await waitFor('harbor polled twice after the removal', async () => (server.hits('/atom.xml') >= harborHits + 2 ? true : null), 20_000);
      expect(server.hits('/feed.json')).toBe(riverHits);
      expect((await feedItems(port)).length).toBeGreaterThanOrEqual(5);

      // Invalid: refused, logged, the running config stays.
      const invalid = await apply({ text: 'sources:\n  - id: harbor\n    url: not a url\n' });
      expect(invalid.msg).toBe('config reload refused: the file is invalid, the running config stays');
      expect(JSON.stringify(invalid)).toMatch(/url/);
      // Still polling on the running config after the refusal, and still up.
      const hitsAtRefusal = server.hits('/atom.xml');
      await waitFor('harbor polled after the refused reload', async () => (server.hits('/atom.xml') > hitsAtRefusal ? true : null), 20_000);
      expect(start.child.exitCode).toBeNull();
      expect(await redis.zscore(keys.schedule, 'harbor')).not.toBeNull();
      expect(await redis.hkeys(keys.sourceDefs)).toEqual(['harbor']);
      expect((await request(`http://127.0.0.1:${port}/healthz`)).statusCode).toBe(200);

      // No poll failed for want of a source definition, in start or in the worker.
      expect(`${start.text}\n${worker.text}`).not.toMatch(/not configured/);
    } finally {
      worker.child.kill('SIGTERM');
      start.child.kill('SIGTERM');
      expect(await start.exitWithin(15_000)).toBe(0);
      expect(await worker.exitWithin(15_000)).toBe(0);
    }
  }, 120_000);
});
