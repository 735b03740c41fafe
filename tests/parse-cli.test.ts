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
    const output = JSON.parse(result.stdout) as { format: string; feed: { title: string; link: string; language: string }; articles: Array<{ url: string; title: string }> };
    expect(output.format).toBe('atom');
    expect(output.feed).toEqual({ title: 'Mountain Notes', link: 'http://mountain.example/', language: 'en' });
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
});
