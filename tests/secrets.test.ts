/**
 * Secrets in source URLs stay secret (issue 15, point 5): userinfo is sent as Basic auth and
 * never shown; secret query parameters are REDACTED. One `feedagg start` run with three
 * planted secrets, then every output, page, command and log line of it is searched for them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redactText, redactUrl, splitCredentials } from '../src/redact.js';
import { freePort } from '../src/redis/embedded-redis.js';
import { queuedEvents } from './helpers/article-queue.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { fixture, FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
const SECRETS = ['S3cretPW', 'QUERYSECRET', 'FailPW', 'SIGVALUE'];

describe('redactUrl and redactText', () => {
  it.each([
    ['http://alice:S3cretPW@example.org/feed', 'http://example.org/feed'],
    ['https://example.org/feed?token=abc&page=2', 'https://example.org/feed?token=REDACTED&page=2'],
    ['https://example.org/f?API_KEY=1&Sig=2&signature=3&q=a%20b', 'https://example.org/f?API_KEY=REDACTED&Sig=REDACTED&signature=REDACTED&q=a%20b'],
    ['https://example.org/f?tokens=1&keyword=x', 'https://example.org/f?tokens=1&keyword=x'],
    ['redis://u:secret@127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
    ['not a url', 'not a url'],
  ])('%s → %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });

  it('redacts every URL in a message and keeps the punctuation after it', () => {
    expect(redactText('http://bob:FailPW@127.0.0.1:9/x.xml: HTTP 404 (from https://h/?auth=zz).')).toBe('http://127.0.0.1:9/x.xml: HTTP 404 (from https://h/?auth=REDACTED).');
  });

  it('turns userinfo into Basic auth, percent-decoded', () => {
    expect(splitCredentials('http://al%40ice:p%3Ass@example.org/f')).toEqual({ url: 'http://example.org/f', authorization: `Basic ${Buffer.from('al@ice:p:ss').toString('base64')}` });
  });
});

describe('a deployment with secrets in its source URLs', () => {
  let server: FixtureServer;
  let workspace: Workspace;
  const auth = `Basic ${Buffer.from('alice:S3cretPW').toString('base64')}`;
  beforeAll(async () => {
    server = await new FixtureServer().start();
    server.routes.set('/private.xml', {
      handler: (req, res) => {
        if (req.headers.authorization !== auth) res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="feeds"' }).end();
        else res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(fixture('rss2.xml'));
      },
    });
    server.routes.set('/token.xml', { body: fixture('atom.xml'), contentType: 'application/atom+xml' });
    server.routes.set('/signed.json', { body: fixture('feed.json'), contentType: 'application/feed+json' });
    workspace = await createWorkspace();
  });
  afterAll(async () => {
    await server.stop();
    await workspace.cleanup(redisUrl);
  });

  it('never shows them: outputs, pages, CLI, logs and events; the server got Basic auth', async () => {
    const port = await freePort();
    const base = server.baseUrl.replace('http://', '');
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      http: { port },
      output: { dir: workspace.outputDir, maxAge: '3650d' },
      fetch: { allowPrivateNetworks: true, perHostInterval: '0s', perHostConcurrency: 8 },
      schedule: { tick: '1s' },
      sources: [
        { id: 'private', url: `http://alice:S3cretPW@${base}/private.xml` },
        { id: 'token', url: `http://${base}/token.xml?token=QUERYSECRET&lang=en` },
        { id: 'signed', url: `http://${base}/signed.json?sig=SIGVALUE` },
        { id: 'failing', url: `http://bob:FailPW@${base}/missing.xml?apikey=QUERYSECRET` },
      ],
    });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'debug' } }));
    const seen: Array<[string, string]> = [];
    try {
      await waitFor('the first publish with all three feeds', async () => {
        const response = await request(`http://127.0.0.1:${port}/feed.json`);
        const body = await response.body.text();
        return response.statusCode === 200 && (JSON.parse(body) as { items: unknown[] }).items.length >= 7 ? body : null;
      }, 30_000);
      await start.waitFor(/poll failed/);
      for (const path of ['/feed.xml', '/atom.xml', '/feed.json', '/', '/opml.xml', '/metrics', '/readyz']) {
        const response = await request(`http://127.0.0.1:${port}${path}`);
        seen.push([path, await response.body.text()]);
      }
      for (const args of [['sources'], ['sources', '--json'], ['opml', 'export'], ['run', '--once']]) {
        const result = await runCli([...args, '--config', workspace.configPath], { env: { LOG_LEVEL: 'debug' } });
        seen.push([`feedagg ${args.join(' ')}`, result.stdout + result.stderr]);
      }
      for (const file of await readdir(workspace.outputDir)) seen.push([`file ${file}`, await readFile(join(workspace.outputDir, file), 'utf8')]);
      seen.push(['article events', JSON.stringify(await queuedEvents(redisUrl, workspace.prefix))]);
    } finally {
      start.child.kill('SIGTERM');
      await start.exitWithin(15_000);
    }
    seen.push(['feedagg start log', start.text]);
    for (const [where, text] of seen) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
    const shown = Object.fromEntries(seen);
    expect(shown['feedagg sources --json']).toContain('token=REDACTED');
    expect(shown["/feed.json"]).toMatch(new RegExp(`"feed_url": ?"http://${base}/private.xml"`));
    expect(server.requests.filter((entry) => entry.path === '/private.xml').every((entry) => entry.headers.authorization === auth)).toBe(true);
    const withSecrets = await runCli(['opml', 'export', '--with-secrets', '--config', workspace.configPath]);
    expect(withSecrets.stdout).toContain('alice:S3cretPW@');
    expect(withSecrets.stdout).toContain('token=QUERYSECRET');
  });
});
