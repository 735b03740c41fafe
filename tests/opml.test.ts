/**
 * Issue 12: OPML from the readers operators come from (Feedly, Inoreader, NetNewsWire,
 * Miniflux), `feedagg opml import` (dry run and --write, which keeps the config's comments),
 * `feedagg opml export`, and the round trip: importing an exported file adds nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportOpml, readOpml } from '../src/opml/opml.js';
import { runCli } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const dir = join(import.meta.dirname, 'fixtures', 'opml');
const read = async (name: string) => readOpml(await readFile(join(dir, name), 'utf8'), name);
let workspace: Workspace;

beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup());

describe('reading OPML', () => {
  it('reads the exports of common readers: folders become tags, entities decoded', async () => {
    expect(await read('feedly.opml')).toEqual([
      { title: 'Ars Technica', url: 'https://feeds.arstechnica.com/arstechnica/index', tags: ['Tech'] },
      { title: 'The Verge -  All Posts', url: 'https://www.theverge.com/rss/index.xml', tags: ['Tech'] },
      { title: 'BBC News - World', url: 'https://feeds.bbci.co.uk/news/world/rss.xml', tags: ['News'] },
      { title: 'Ars Technica', url: 'https://feeds.arstechnica.com/arstechnica/index', tags: ['News'] },
    ]);
    expect(await read('inoreader.xml')).toEqual([
      { title: 'Quanta Magazine', url: 'https://www.quantamagazine.org/feed/', tags: ['Science'] },
      { title: 'NASA Breaking News', url: 'https://www.nasa.gov/news-release/feed/', tags: ['Science', 'Space'] },
      { title: 'Café & Cooking', url: 'https://cooking.example/feed?format=rss&lang=en', tags: [] },
    ]);
    expect((await read('netnewswire.opml')).map((feed) => [feed.url, feed.tags])).toEqual([['https://daringfireball.net/feeds/json', []], ['https://inessential.com/xml/rss.xml', ['Blogs']]]);
    expect((await read('miniflux.opml'))[0]).toEqual({ title: 'Julia Evans', url: 'https://jvns.ca/atom.xml', tags: ['All', 'zines'] });
  });

  it('names the line of invalid OPML', async () => {
    await expect(read('broken.opml')).rejects.toThrow(/broken\.opml: not valid OPML: .*at line 6/);
  });
});

describe('feedagg opml', () => {
  const config = `# My sources, by hand
redis: { url: redis://127.0.0.1:1 }
sources:
  # the first one
  - id: ars-technica
    url: https://feeds.arstechnica.com/arstechnica/index
    tags: [Tech]
`;

  it('import prints what it would add (unique ids, duplicates skipped) and --write keeps comments and order', async () => {
    await writeFile(workspace.configPath, config);
    const dry = await runCli(['opml', 'import', join(dir, 'feedly.opml'), '--config', workspace.configPath]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\+ the-verge-all-posts\s+https:\/\/www\.theverge\.com\/rss\/index\.xml\s+\[Tech\]/);
    expect(dry.stdout).toMatch(/= skipped https:\/\/feeds\.arstechnica\.com\/arstechnica\/index \(already a source\)/);
    // Ars Technica is listed in two folders: one feed, already a source.
    expect(dry.stdout).toMatch(/2 to add, 1 skipped \(dry run/);
    expect(await readFile(workspace.configPath, 'utf8')).toBe(config);

    const written = await runCli(['opml', 'import', join(dir, 'feedly.opml'), '--write', '--config', workspace.configPath]);
    expect(written.code).toBe(0);
    const text = await readFile(workspace.configPath, 'utf8');
    expect(text.startsWith('# My sources, by hand\n')).toBe(true);
    expect(text).toContain('# the first one');
    expect(text.indexOf('ars-technica')).toBeLessThan(text.indexOf('the-verge-all-posts'));
    expect((await runCli(['validate', '--config', workspace.configPath])).stdout).toMatch(/valid \(3 sources/);
  });

  it('round-trips: importing an exported file adds nothing; export lists every source', async () => {
    await writeFile(workspace.configPath, config);
    await runCli(['opml', 'import', join(dir, 'inoreader.xml'), '--write', '--config', workspace.configPath]);
    const exported = await runCli(['opml', 'export', '--config', workspace.configPath]);
    expect(exported.code).toBe(0);
    const feeds = await readOpml(exported.stdout, 'export');
    expect(feeds.map((feed) => feed.url).sort()).toEqual(['https://cooking.example/feed?format=rss&lang=en', 'https://feeds.arstechnica.com/arstechnica/index', 'https://www.nasa.gov/news-release/feed/', 'https://www.quantamagazine.org/feed/']);
    expect(feeds.find((feed) => feed.url.includes('nasa'))?.tags).toEqual(['Science', 'Space']);
    const exportedFile = join(workspace.dir, 'exported.opml');
    await writeFile(exportedFile, exported.stdout);
    const before = await readFile(workspace.configPath, 'utf8');
    const again = await runCli(['opml', 'import', exportedFile, '--write', '--config', workspace.configPath]);
    expect(again.stdout).toMatch(/0 to add, 4 skipped/);
    expect(await readFile(workspace.configPath, 'utf8')).toBe(before);
  });

  it('--write edits only what it adds (issue 16, defect 10): the rest of the file byte for byte; a feed in two folders keeps both as tags', async () => {
    const aligned = `# Sources, aligned by hand
redis: { url: redis://127.0.0.1:1 }    # local
output: { title: Mine }                 # the title

sources:
  - { id: lobsters, url: "https://lobste.rs/rss", tags: [programming] }   # aligned
  - id: ars-technica                                                      # aligned too
    url: https://feeds.arstechnica.com/arstechnica/index

# the end
`;
    await writeFile(workspace.configPath, aligned);
    const opml = join(workspace.dir, 'two-folders.opml');
    await writeFile(opml, `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="Tech"><outline type="rss" text="Hacker News" xmlUrl="https://news.ycombinator.com/rss"/></outline>
<outline text="News"><outline type="rss" text="Hacker News" xmlUrl="https://news.ycombinator.com/rss"/></outline>
</body></opml>`);
    const written = await runCli(['opml', 'import', opml, '--write', '--config', workspace.configPath]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/\+ hacker-news\s+https:\/\/news\.ycombinator\.com\/rss\s+\[Tech, News\]/);
    const text = await readFile(workspace.configPath, 'utf8');
    const added = '  - id: hacker-news\n    url: https://news.ycombinator.com/rss\n    title: Hacker News\n    tags: [Tech, News]\n';
    expect(text).toContain(added);
    // Take the added lines out: what remains is the file as it was, to the byte.
    expect(text.replace(added, '')).toBe(aligned);
    expect((await runCli(['validate', '--config', workspace.configPath])).stdout).toMatch(/valid \(3 sources/);
  });

  it('escapes what it exports', () => {
    const opml = exportOpml([{ id: 'x', url: 'https://x.example/?a=1&b=2', title: 'A <b> & "q"', tags: [], enabled: true, headers: {}, allowPrivateNetworks: false, include: [], exclude: [] }], 'T & U');
    expect(opml).toContain('xmlUrl="https://x.example/?a=1&amp;b=2"');
    expect(opml).toContain('text="A &lt;b&gt; &amp; &quot;q&quot;"');
    expect(opml).toContain('<title>T &amp; U</title>');
  });
});
