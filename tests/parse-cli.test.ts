/** `feedagg parse`: one document, or a JSONL manifest of documents, without Redis. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { FIXTURES_DIR } from './helpers/fixture-server.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup());

describe('feedagg parse', () => {
  it('prints {format, feed, articles} for a file; --base resolves relative links', async () => {
    const result = await runCli(['parse', join(FIXTURES_DIR, 'atom.xml'), '--base', 'http://mountain.example/atom.xml']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { format: string; feed: { title: string; link: string; language: string; authors: unknown[] }; articles: Array<{ url: string; title: string }> };
    expect(output.format).toBe('atom');
    expect(output.feed).toEqual({ title: 'Mountain Notes', link: 'http://mountain.example/', language: 'en', authors: [{ name: 'Mountain Club', email: null, url: null }] });
    expect(output.articles.map((article) => article.url)).toEqual(['http://mountain.example/notes/snow-high-pass', 'http://mountain.example/notes/hut-hours']);
  });

  it('--content-type acts as the HTTP header: its charset decodes the bytes', async () => {
    const path = join(workspace.dir, 'latin.xml');
    await writeFile(path, iconv.encode('<rss version="2.0"><channel><title>Café déjà vu</title></channel></rss>', 'latin1'));
    const result = await runCli(['parse', path, '--content-type', 'application/rss+xml; charset=iso-8859-1']);
    expect(JSON.parse(result.stdout).feed.title).toBe('Café déjà vu');
  });

  it('exits 1 with a typed error for something that is not a feed', async () => {
    const result = await runCli(['parse', join(FIXTURES_DIR, 'page.html')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NOT_A_FEED: an HTML page, not a feed; it advertises/);
  });

  it('--manifest: one output line per input line, in order, errors included', async () => {
    const manifest = join(workspace.dir, 'manifest.jsonl');
    await writeFile(manifest, [
      JSON.stringify({ path: 'rss2.xml' }),
      JSON.stringify({ path: 'page.html', base: 'http://page.example/' }),
      JSON.stringify({ path: 'missing.xml' }),
      '{not json',
      JSON.stringify({ nopath: true }),
      JSON.stringify({ path: 'feed.json', contentType: 'application/feed+json' }),
    ].join('\n'));
    const result = await runCli(['parse', '--manifest', manifest, '--root', FIXTURES_DIR]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.path)).toEqual(['rss2.xml', 'page.html', 'missing.xml', null, null, 'feed.json']);
    expect(lines[0]).toMatchObject({ format: 'rss' });
    expect((lines[0]?.articles as unknown[]).length).toBe(3);
    expect(lines[1]).toMatchObject({ error: { code: 'NOT_A_FEED' } });
    expect(lines[2]).toMatchObject({ error: { code: 'READ' } });
    // A bad manifest line is one error line in its place, and the run goes on.
    expect(lines[3]).toMatchObject({ line: 4, error: { code: 'READ', message: expect.stringMatching(/manifest line 4: not JSON/) } });
    expect(lines[4]).toMatchObject({ line: 5, error: { code: 'READ', message: expect.stringMatching(/"path" must be a string/) } });
    expect(lines[5]).toMatchObject({ format: 'json' });
  });

  it('a saved file whose only absolute URL is its self link gives the links a poll from that URL gives', async () => {
    const file = join(FIXTURES_DIR, '..', 'real-world', 'atom-self-link-only.xml');
    const saved = await runCli(['parse', file]);
    const polled = await runCli(['parse', file, '--base', 'https://notes.example/blog/index.xml']);
    const urls = (stdout: string) => (JSON.parse(stdout) as { articles: Array<{ url: string | null }> }).articles.map((article) => article.url);
    expect(urls(saved.stdout)).toEqual([
      'https://notes.example/blog/2026/11/27/first-frost/',
      'https://notes.example/blog/2026/11/20/seed-catalogue/',
      'https://mirror.example/notes/compost/',
    ]);
    expect(urls(saved.stdout)).toEqual(urls(polled.stdout));
  });

  it('says how many entries past --max-items (fetch.maxItems) were left out: truncated, and a warning', async () => {
    const path = join(workspace.dir, 'long.xml');
    const items = Array.from({ length: 30 }, (_, index) => `<item><title>Item ${index}</title><guid>urn:item:${index}</guid><pubDate>${new Date(Date.UTC(2026, 10, 1 + index)).toUTCString()}</pubDate></item>`);
    await writeFile(path, `<rss version="2.0"><channel><title>Long</title>${items.join('')}</channel></rss>`);
    const cut = JSON.parse((await runCli(['parse', path, '--max-items', '10'])).stdout) as { truncated: number; warnings: string[]; articles: Array<{ guid: string }> };
    expect(cut.truncated).toBe(20);
    expect(cut.warnings).toContain('20 of 30 entries dropped (fetch.maxItems 10; the newest are kept)');
    expect(cut.articles.map((article) => article.guid)).toEqual(Array.from({ length: 10 }, (_, index) => `urn:item:${20 + index}`));
    const whole = JSON.parse((await runCli(['parse', path])).stdout) as { truncated: number; warnings: string[]; articles: unknown[] };
    expect(whole).toMatchObject({ truncated: 0, warnings: [] });
    expect(whole.articles).toHaveLength(30);
    const bad = await runCli(['parse', path, '--max-items', 'ten']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--max-items must be a whole number/);
  });
});
