/**
 * Polling behaviour end to end (CLI, real Redis, fault-injecting loopback server): body-hash
 * skip, 410 Gone, Retry-After per host, persisted vs temporary redirects, timeouts, the address
 * guard, the `sources` view and `refresh`.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { SourceRow } from '../src/observe/source-rows.js';
import { runCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;
const RSS = fixture('rss2.xml');
const ATOM = fixture('atom.xml');

beforeAll(async () => {
  server = await new FixtureServer().start();
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

async function configure(sources: Array<Record<string, unknown>>, fetch: Record<string, unknown> = {}): Promise<void> {
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    fetch: { timeout: '3s', allowPrivateNetworks: true, perHostInterval: '10ms', ...fetch },
    sources,
  });
}

const runOnce = () => runCli(['run', '--once', '--config', workspace.configPath]);

async function sources(): Promise<Map<string, SourceRow>> {
  const result = await runCli(['sources', '--json', '--config', workspace.configPath]);
  expect(result.code).toBe(0);
  return new Map((JSON.parse(result.stdout) as SourceRow[]).map((row) => [row.id, row]));
}

describe('polling', () => {
  it('skips parsing when a server without validators sends the same bytes again', async () => {
    server.routes.set('/same.xml', { body: RSS, contentType: 'application/rss+xml' });
    await configure([{ id: 'same', url: server.url('/same.xml') }]);
    expect((await runOnce()).stdout).toMatch(/same\s+200\s+3\s+3\s+0\s+0\s+\d+ms\s+(-|\d+ms)\s+ok$/m);
    expect((await runOnce()).stdout).toMatch(/same\s+200\s+0\s+0\s+0\s+0\s+\d+ms\s+(-|\d+ms)\s+ok \(not modified\)/);
  });

  it('keeps no validators from a response it could not read, so a broken feed is fetched again', async () => {
    server.routes.set('/broken-etag.xml', {
      handler: (request, response) => {
        if (request.headers['if-none-match'] === '"fixed"') response.writeHead(304).end();
        else response.writeHead(200, { ETag: '"fixed"', 'Content-Type': 'application/rss+xml' }).end(fixture('broken.xml'));
      },
    });
    await configure([{ id: 'broken', url: server.url('/broken-etag.xml') }]);
    expect((await runOnce()).stdout).toMatch(/broken\s+200.*FAILED PARSE/);
    expect((await runOnce()).stdout).toMatch(/broken\s+200.*FAILED PARSE/);
  });

  it('410 Gone parks the source until refresh re-enables it', async () => {
    server.routes.set('/gone.xml', { status: 410, body: 'gone' });
    server.routes.set('/alive.xml', { body: ATOM });
    await configure([{ id: 'gone', url: server.url('/gone.xml') }, { id: 'alive', url: server.url('/alive.xml') }]);
    const first = await runOnce();
    expect(first.code).toBe(3);
    expect((await sources()).get('gone')).toMatchObject({ state: 'gone', lastStatus: 410, nextPollAt: null, lastError: { code: 'HTTP_STATUS' } });

    const hits = server.hits('/gone.xml');
    const second = await runOnce();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/gone\s+-.*skipped: gone \(HTTP 410/);
    expect(server.hits('/gone.xml')).toBe(hits);

    server.routes.set('/gone.xml', { body: RSS });
    const refresh = await runCli(['refresh', 'gone', '--config', workspace.configPath]);
    expect(refresh.code).toBe(0);
    const row = (await sources()).get('gone');
    expect(row).toMatchObject({ state: 'active', lastStatus: 200, consecutiveFailures: 0, itemsSeen: 3 });
    expect(Date.parse(row?.nextPollAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('429 with Retry-After holds back every source on that host, not others', async () => {
    server.routes.set('/busy.xml', { status: 429, headers: { 'Retry-After': '3600' } });
    server.routes.set('/neighbour.xml', { body: RSS });
    server.routes.set('/elsewhere.xml', { body: ATOM });
    await configure([
      { id: 'busy', url: server.url('/busy.xml') },
      { id: 'elsewhere', url: `http://localhost:${server.port}/elsewhere.xml` },
    ]);
    expect((await runOnce()).code).toBe(3);
    await configure([
      { id: 'busy', url: server.url('/busy.xml') },
      { id: 'neighbour', url: server.url('/neighbour.xml') },
      { id: 'elsewhere', url: `http://localhost:${server.port}/elsewhere.xml` },
    ]);
    const second = await runOnce();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/busy\s+.*skipped: host asked to wait \(Retry-After until/);
    expect(second.stdout).toMatch(/neighbour\s+.*skipped: host asked to wait/);
    expect(second.stdout).toMatch(/elsewhere\s+200.*ok \(not modified\)/);
    expect(server.hits('/neighbour.xml')).toBe(0);
    const busy = (await sources()).get('busy');
    expect(Date.parse(busy?.nextPollAt ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('persists a permanent redirect only after it repeats; never a temporary one', async () => {
    server.routes.set('/old.xml', { status: 301, headers: { Location: '/new.xml' } });
    server.routes.set('/new.xml', { body: RSS, validators: true });
    server.routes.set('/temp.xml', { status: 302, headers: { Location: '/temp-target.xml' } });
    server.routes.set('/temp-target.xml', { body: ATOM });
    await configure([{ id: 'moved', url: server.url('/old.xml') }, { id: 'temp', url: server.url('/temp.xml') }], { permanentRedirects: { polls: 2, span: '1ms' } });
    await runOnce();
    let rows = await sources();
    expect(rows.get('moved')?.effectiveUrl).toBe(server.url('/old.xml'));
    await runOnce();
    rows = await sources();
    expect(rows.get('moved')?.effectiveUrl).toBe(server.url('/new.xml'));
    expect(rows.get('moved')?.url).toBe(server.url('/old.xml'));
    const oldHits = server.hits('/old.xml');
    await runOnce();
    expect(server.hits('/old.xml')).toBe(oldHits);
    expect((await sources()).get('temp')?.effectiveUrl).toBe(server.url('/temp.xml'));
  });

  it('a server that never answers fails only its source, within the timeout', async () => {
    server.routes.set('/silent.xml', { handler: () => undefined });
    server.routes.set('/fine.xml', { body: RSS });
    await configure([{ id: 'silent', url: server.url('/silent.xml') }, { id: 'fine', url: server.url('/fine.xml') }], { timeout: '1s' });
    const result = await runOnce();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/silent\s+-.*FAILED FETCH_TIMEOUT/);
    expect(result.stdout).toMatch(/fine\s+200\s+3\s+3/);
  });

  it('refuses private addresses unless allowed, and no request reaches them', async () => {
    server.routes.set('/private.xml', { body: RSS });
    await configure([
      { id: 'private', url: server.url('/private.xml') },
      { id: 'allowed', url: `http://localhost:${server.port}/private.xml`, allowPrivateNetworks: true },
    ], { allowPrivateNetworks: false });
    const result = await runOnce();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/private\s+-.*FAILED BLOCKED_ADDRESS/);
    expect(result.stdout).toMatch(/allowed\s+200\s+3\s+3/);
    expect(server.requests.filter((request) => request.path === '/private.xml' && request.headers.host?.startsWith('127.0.0.1'))).toHaveLength(0);
    expect((await sources()).get('private')?.lastError?.code).toBe('BLOCKED_ADDRESS');
  });

  it('feedagg sources prints a readable table', async () => {
    server.routes.set('/t.xml', { body: RSS });
    await configure([{ id: 'table', url: server.url('/t.xml') }, { id: 'off', url: server.url('/t.xml'), enabled: false }]);
    await runOnce();
    const result = await runCli(['sources', '--config', workspace.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ID\s+STATE\s+LAST POLL/);
    expect(result.stdout).toMatch(/^table\s+ok\s+\d+s ago\s+\d+s ago\s+200\s+0\s+-\s+3\s+in \d+[mh]/m);
    expect(result.stdout).toMatch(/^off\s+disabled/m);
  });
});
