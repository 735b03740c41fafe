/**
 * Source health an operator can act on (issue 16, defects 7 and 8): one vocabulary in
 * `feedagg sources`, /metrics and the status page, failing from the first failed poll (rows
 * said "active", the headline "1 failing or gone" while 13 had errors), the host's Retry-After
 * hold with its reason and end, the last polls kept (capped), and the politeness wait filled
 * in run --once (WAIT said "-" while 14 polls of one host took 14 s).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { servicePages } from '../src/http/service-pages.js';
import type { SourceRow } from '../src/observe/source-rows.js';
import { OUTCOME_HISTORY } from '../src/model/source-state.js';
import { createPollProcessor } from '../jobs/poll-source.js';
import { syncSources } from '../src/runtime/runtime.js';
import { runCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { openTestRuntime, testConfig } from './helpers/in-process.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  for (const name of ['a', 'b', 'c', 'd']) server.routes.set(`/${name}.xml`, { body: fixture('rss2.xml'), contentType: 'application/rss+xml' });
  server.routes.set('/broken.xml', { status: 500, body: 'oops' });
  server.routes.set('/busy.xml', { status: 429, body: 'slow down', headers: { 'Retry-After': '120' } });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

function config(): Record<string, unknown> {
  const local = (path: string) => server.url(path).replace('127.0.0.1', 'localhost');
  return {
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    // Four sources on one host, polls 400 ms apart: the later ones wait for their turn.
    fetch: { allowPrivateNetworks: true, perHostInterval: '400ms', perHostConcurrency: 4 },
    sources: [
      ...['a', 'b', 'c', 'd'].map((name) => ({ id: name, url: server.url(`/${name}.xml`) })),
      { id: 'broken', url: server.url('/broken.xml') },
      { id: 'busy', url: local('/busy.xml') },
    ],
  };
}

describe('source health', () => {
  it('run --once fills WAIT; sources and /metrics and the status page say failing and held, with the hold and the last polls', async () => {
    await workspace.writeConfig(config());
    const once = await runCli(['run', '--once', '--config', workspace.configPath], { timeoutMs: 60_000 });
    expect(once.code).toBe(3);
    const waits = once.stdout.split('\n').filter((line) => /^[abcd]\s/.test(line)).map((line) => line.trim().split(/\s+/)[7]);
    expect(waits).toHaveLength(4);
    // The first of the four went at once; the others waited their turn (at least one 400 ms slot).
    expect(waits.filter((wait) => wait !== '-' && Number.parseInt(wait ?? '0', 10) >= 300).length).toBeGreaterThanOrEqual(3);

    const listed = await runCli(['sources', '--json', '--config', workspace.configPath], { timeoutMs: 30_000 });
    const rows = JSON.parse(listed.stdout) as SourceRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(rows.slice(0, 2).map((row) => row.health).sort()).toEqual(['failing', 'held']);
    expect(byId.get('broken')).toMatchObject({ health: 'failing', consecutiveFailures: 1, lastSuccessAt: null, lastError: { code: 'HTTP_STATUS' } });
    const busy = byId.get('busy');
    expect(busy?.health).toBe('held');
    expect(busy?.hold?.reason).toBe('Retry-After from localhost');
    expect(Date.parse(busy?.hold?.until ?? '') - Date.now()).toBeGreaterThan(100_000);
    expect(byId.get('a')).toMatchObject({ health: 'ok', consecutiveFailures: 0 });
    expect(byId.get('a')?.lastSuccessAt).not.toBeNull();
    expect(byId.get('a')?.recentOutcomes[0]).toMatchObject({ result: 'ok', status: 200 });
    expect(Math.max(...['a', 'b', 'c', 'd'].map((id) => byId.get(id)?.waitMs ?? 0))).toBeGreaterThanOrEqual(700);
    const table = await runCli(['sources', '--config', workspace.configPath], { timeoutMs: 30_000 });
    expect(table.stdout).toMatch(/busy\s+held\b.*Retry-After from localhost until/);
    expect(table.stdout.split('\n')[1]).toMatch(/^(broken|busy)\s/);

    const runtime = await openTestRuntime(testConfig(redisUrl, workspace.prefix, workspace.outputDir, { ...config(), fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' } }));
    try {
      await syncSources(runtime);
      // A source claimed for a poll (its batch queued or running) says so (issue 17).
      await runtime.context.store.redis.zadd(runtime.context.store.keys.claims, Date.now(), 'c');
      const polling = (JSON.parse((await runCli(['sources', '--json', '--config', workspace.configPath], { timeoutMs: 30_000 })).stdout) as SourceRow[]).find((row) => row.id === 'c');
      expect(polling?.health).toBe('polling');
      await runtime.context.store.redis.zrem(runtime.context.store.keys.claims, 'c');
      const pages = servicePages(runtime.context, ['/feed.xml']);
      const metrics = (await pages.get('/metrics')?.())?.body ?? '';
      expect(metrics).toMatch(/feedagg_sources\{state="failing"\} 1/);
      expect(metrics).toMatch(/feedagg_sources\{state="held"\} 1/);
      expect(metrics).toMatch(/feedagg_sources\{state="ok"\} 4/);
      expect(metrics).toMatch(/feedagg_sources\{state="retired"\} 0/);
      expect(metrics).toMatch(/feedagg_sources\{state="polling"\} 0/);
      const page = (await pages.get('/')?.())?.body ?? '';
      expect(page).toMatch(/6 sources: .*1 failing.*1 held.*4 ok/);
      expect(page).toMatch(/class="hold">Retry-After from localhost until/);

      // The history is capped: more polls than it keeps leave the newest OUTCOME_HISTORY.
      const poll = createPollProcessor(runtime.context);
      for (let index = 0; index < OUTCOME_HISTORY + 3; index += 1) await poll({ data: { sourceId: 'broken' } });
      const after = (JSON.parse((await runCli(['sources', '--json', '--config', workspace.configPath], { timeoutMs: 30_000 })).stdout) as SourceRow[]).find((row) => row.id === 'broken');
      expect(after?.recentOutcomes).toHaveLength(OUTCOME_HISTORY);
      expect(after?.consecutiveFailures).toBe(OUTCOME_HISTORY + 4);
    } finally {
      await runtime.close();
    }
  }, 90_000);
});
