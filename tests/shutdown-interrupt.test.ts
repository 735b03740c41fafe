/**
 * Shutdown interrupts fetches still in flight near its deadline (issue 16, defect 11: a 20 s
 * poll made a worker wait for it, overrun the 10 s deadline and log an error). The poll goes
 * back to the queue, unrecorded: it is not the source's failure.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  // Headers after 30 s: a poll still fetching when the shutdown comes.
  server.routes.set('/slow.xml', { handler: (_request, response) => void setTimeout(() => response.writeHead(200).end('<rss/>'), 30_000).unref() });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

describe('shutdown during a slow poll', () => {
  it('interrupts the fetch, exits 0 within the deadline, and puts the poll back in the queue unrecorded', async () => {
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      fetch: { allowPrivateNetworks: true, timeout: '60s', perHostInterval: '10ms' },
      sources: [{ id: 'slow', url: server.url('/slow.xml') }],
    });
    const worker = new ProcessLog(spawnCli(['worker', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' } }));
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue('poll', { connection, prefix: workspace.prefix });
    try {
      await worker.waitFor(/feedagg worker started/);
      await queue.add('poll', { sourceId: 'slow' }, { deduplication: { id: 'slow' } });
      await waitFor('the request to arrive', async () => (server.requests.some((entry) => entry.path === '/slow.xml') ? true : null));
      const signalled = Date.now();
      worker.child.kill('SIGTERM');
      expect(await worker.exitWithin(12_000)).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(worker.text).toMatch(/poll interrupted by the shutdown; back to the queue/);
      expect(worker.lines.filter((line) => /"level":50/.test(line))).toEqual([]);
      const counts = await queue.getJobCounts('waiting', 'delayed', 'failed', 'completed');
      expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBe(1);
      expect((counts.failed ?? 0) + (counts.completed ?? 0)).toBe(0);
      const state = await connection.hgetall(`${workspace.prefix}:store:source:slow`);
      expect(state.consecutiveFailures ?? '0').toBe('0');
      expect(state.lastPollAt ?? '').toBe('');
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await queue.close();
      connection.disconnect();
    }
  }, 30_000);
});
