/** `feedagg validate` (and every command) rejects bad config with exit 1, naming source and field. */
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup());

const good = { id: 'good', url: 'https://good.example/feed.xml' };

describe('config validation', () => {
  it.each([
    ['an unknown key', [good, { id: 'blog', url: 'https://blog.example/feed', intervall: '5m' }], /sources\[1\] \(source "blog"\): unknown key "intervall"/],
    ['a bad duration', [good, { id: 'news', url: 'https://news.example/rss', interval: 'often' }], /sources\[1\]\.interval \(source "news"\): not a duration: "often"/],
    ['a duplicate source id', [good, { id: 'good', url: 'https://other.example/feed' }], /sources\[1\]\.id \(source "good"\): duplicate source id "good"/],
    ['an invalid URL', [good, { id: 'typo', url: 'htp:/typo.example' }], /sources\[1\]\.url \(source "typo"\): must be an absolute http\(s\) URL/],
    ['a missing id', [{ url: 'https://anon.example/feed' }], /sources\[0\]\.id \(source #1 \(no id\)\)/],
  ])('%s: exit 1 and a message naming the source and field', async (_case, sources, message) => {
    await workspace.writeConfig({ sources });
    const result = await runCli(['validate', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('rejects an unknown top-level key and a bad size outside sources', async () => {
    await workspace.writeConfig({ fetch: { maxBodySize: 'huge' }, colour: 'blue', sources: [good] });
    const result = await runCli(['validate', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/fetch\.maxBodySize: not a size: "huge"/);
    expect(result.stderr).toMatch(/unknown key "colour"/);
  });

  it('checks outputs: paths, source ids, regular expressions', async () => {
    await workspace.writeConfig({
      sources: [good],
      outputs: [{ path: 'tech', sources: ['nope'] }, { path: 'tech' }, { path: '../up' }, { path: 'ok', include: ['/(unclosed/'] }],
    });
    const result = await runCli(['validate', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/outputs\[0\]\.sources\[0\]: no source with id "nope"/);
    expect(result.stderr).toMatch(/outputs\[1\]\.path: duplicate output path "tech"/);
    expect(result.stderr).toMatch(/outputs\[2\]\.path: must be a relative folder/);
    expect(result.stderr).toMatch(/outputs\[3\]\.include\[0\]: not a valid \/regular expression\//);
  });

  it('the same errors stop run --once before it touches Redis', async () => {
    await workspace.writeConfig({ sources: [{ id: 'x', url: 'nope' }] });
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sources\[0\]\.url \(source "x"\)/);
  });

  it('accepts a valid config, found through FEEDAGG_CONFIG', async () => {
    await workspace.writeConfig({ sources: [good, { ...good, id: 'off', enabled: false }] });
    const result = await runCli(['validate'], { env: { FEEDAGG_CONFIG: workspace.configPath } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid \(2 sources, 1 enabled\)/);
  });

  it('reports unreadable YAML and a missing file', async () => {
    const missing = await runCli(['validate', '--config', `${workspace.dir}/nope.yaml`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read config file/);
    await writeFile(workspace.configPath, 'sources:\n  - id: a\n   url: [unclosed');
    const broken = await runCli(['validate', '--config', workspace.configPath]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/invalid YAML at line \d+/);
  });

  it('reads a large config through its YAML thread, from the built CLI, errors with their line', async () => {
    const items = Array.from({ length: 400 }, (_, i) => `  - id: s${i}\n    url: "http://127.0.0.1:9/f${i}"\n`).join('');
    await writeFile(workspace.configPath, `sources:\n${items}`);
    const valid = await runCli(['validate', '--config', workspace.configPath]);
    expect(valid.stdout).toMatch(/valid \(400 sources, 400 enabled\)/);
    await writeFile(workspace.configPath, `sources:\n${items}  - id: [unclosed\n`);
    const broken = await runCli(['validate', '--config', workspace.configPath]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/invalid YAML at line 80[23]:/);
  });
});
