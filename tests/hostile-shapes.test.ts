/**
 * Shapes that used to cost unbounded memory or end in a RangeError (issue 15, points 4 and 7):
 * fetch.maxItems applies while a JSON Feed is read, URLs from attributes are capped, deep
 * JSON and OPML are typed errors, and `opml import` refuses in its dry run what --write would.
 */
import { describe, expect, it } from 'vitest';
import { readOpml } from '../src/opml/opml.js';
import { parseFeed } from '../src/parse/parse-feed.js';
import { newestSelection } from '../src/normalize/document-limits.js';
import { readFeed } from '../src/pipeline/read-feed.js';
import { runCli } from './helpers/cli.js';
import { createWorkspace } from './helpers/workspace.js';

const now = new Date('2026-12-01T00:00:00Z');

describe('bounded reading', () => {
  it('a JSON Feed of 500,000 tiny items keeps the newest maxItems as it reads, and counts them all', async () => {
    const items = Array.from({ length: 500_000 }, (_, index) => `{"id":"${index}","date_published":"2026-01-01T00:00:${String(index % 60).padStart(2, '0')}Z"}`);
    const text = `{"version":"https://jsonfeed.org/version/1.1","title":"Tiny","items":[${items.join(',')}]}`;
    const feed = await parseFeed(text, null, { selection: newestSelection(1000, now) });
    expect(feed.entryCount).toBe(500_000);
    expect(feed.entries).toHaveLength(1000);
    expect(feed.title?.value).toBe('Tiny');
  });

  it('reads items after the array, control characters and all, like before', async () => {
    const text = '{"items":[{"id":"a","title":"one\ttab"}, {"id":"b"}],"version":"https://jsonfeed.org/version/1","title":"After"}';
    const feed = await parseFeed(text);
    expect(feed.entries.map((entry) => entry.guid)).toEqual(['a', 'b']);
    expect(feed.entries[0]?.title?.value).toBe('one\ttab');
    expect(feed.title?.value).toBe('After');
  });

  it('drops a 9 MB enclosure URL (and a long link) with a warning, keeping the entry', async () => {
    const long = `http://example.org/${'a'.repeat(9 * 1024 * 1024)}`;
    const text = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title><guid>1</guid><link>${long}</link><enclosure url="${long}" type="audio/mpeg"/></item></channel></rss>`;
    const result = await readFeed({ sourceId: 's', body: Buffer.from(text), contentType: null, documentUrl: 'http://example.org/feed', now });
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]?.article.enclosures).toEqual([]);
    expect(result.entries[0]?.article.url).toBeNull();
    expect(result.warnings.join(' ')).toMatch(/2 URLs longer than 8 KB dropped/);
  });
});

describe('deep structures are typed errors', () => {
  it.each([
    ['RSS in JSON, a title of 20,000 nested {"_": …}', `{"rss":{"channel":{"title":"t","item":[{"title":${'{"_":'.repeat(20_000)}"x"${'}'.repeat(20_000)}}]}}}`],
    ['a JSON Feed item nested 100,000 arrays deep', `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","tags":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`],
  ])('%s → PARSE', async (_name, text) => {
    await expect(parseFeed(text)).rejects.toMatchObject({ code: 'PARSE', message: expect.stringContaining('nested deeper than 64') });
  });

  it('OPML of 4,000 nested outlines → PARSE naming the line', async () => {
    const text = `<?xml version="1.0"?>\n<opml version="2.0"><head/><body>\n${'<outline text="f">\n'.repeat(4000)}<outline xmlUrl="http://example.org/f"/>${'</outline>'.repeat(4000)}</body></opml>`;
    await expect(readOpml(text, 'deep.opml')).rejects.toMatchObject({ code: 'PARSE', message: expect.stringMatching(/deep\.opml: not valid OPML: outlines nested deeper than 64 levels at line 67/) });
  });
});

describe('opml import', () => {
  it('dry run refuses what --write would refuse (javascript:, file:), and adds the rest', async () => {
    const workspace = await createWorkspace();
    try {
      await workspace.writeConfig({ sources: [] });
      const opml = `${workspace.dir}/bad.opml`;
      const { writeFile } = await import('node:fs/promises');
      await writeFile(opml, '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="x" xmlUrl="javascript:alert(1)"/><outline text="p" xmlUrl="file:///etc/passwd"/><outline text="Good" xmlUrl="https://example.org/feed.xml"/></body></opml>');
      const dry = await runCli(['opml', 'import', opml, '--config', workspace.configPath]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).not.toMatch(/^\+ .*javascript/m);
      expect(dry.stdout).not.toMatch(/^\+ .*file:/m);
      expect(dry.stdout).toMatch(/= skipped javascript:alert\(1\) \(url: must be an absolute http\(s\) URL\)/);
      expect(dry.stdout).toMatch(/^\+ good\s+https:\/\/example.org\/feed.xml/m);
      expect(dry.stdout).toMatch(/1 to add, 2 skipped/);
      const written = await runCli(['opml', 'import', opml, '--write', '--config', workspace.configPath]);
      expect(written.code).toBe(0);
      expect(written.stdout).toMatch(/wrote 1 sources/);
    } finally {
      await workspace.cleanup();
    }
  });
});
