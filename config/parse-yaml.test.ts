import { describe, expect, it } from 'vitest';

import { INLINE_YAML_CHARS, parseYaml, parseYamlInline } from './parse-yaml.js';

function config(sources: number): string {
  let text = '# a comment\nfetch: { timeout: 20s }\nsources:\n';
  for (let i = 0; i < sources; i++) text += `  - id: s${i}\n    url: "https://h${i}.example/feed.xml"\n    tags: [news, "tech: x"]\n    interval: 15m\n`;
  return text;
}

/** Turns of the event loop while `work` is pending: 0 when it blocks the thread throughout. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work.finally(() => (done = true));
  return turns;
}

describe('config YAML (issue 19: one YAML library)', () => {
  it('a large file is parsed in a thread, and the event loop turns meanwhile', async () => {
    const text = config(3000);
    expect(text.length).toBeGreaterThan(INLINE_YAML_CHARS);
    const inline = parseYamlInline(text, 'big.yaml');
    const pending = parseYaml(text, 'big.yaml');
    const turns = await turnsDuring(pending);
    expect(await pending).toEqual(inline);
    expect(turns).toBeGreaterThan(0);
    expect((inline as { sources: unknown[] }).sources).toHaveLength(3000);
  });

  it('a small file parses inline, to the same data', async () => {
    const text = config(3);
    expect(await parseYaml(text, 'small.yaml')).toEqual(parseYamlInline(text, 'small.yaml'));
  });

  it('a YAML error from the thread names the file and the line', async () => {
    const broken = `${config(5)}  - id: [unclosed\n`;
    await expect(parseYaml(broken, 'broken.yaml', 0)).rejects.toThrow(/broken\.yaml: invalid YAML at line \d+/);
    expect(() => parseYamlInline(broken, 'broken.yaml')).toThrow(/broken\.yaml: invalid YAML at line \d+/);
  });

  it('reads what js-yaml read: YAML 1.2 scalars, durations as strings, duplicate keys refused', () => {
    const text = 'a: yes\nb: 0o17\nc: 15m\nd: ~\ne: "x"\nf: 1e3\n';
    // What js-yaml 4 (YAML 1.2 core schema) gave for the same text.
    expect(parseYamlInline(text, 't')).toEqual({ a: 'yes', b: 15, c: '15m', d: null, e: 'x', f: 1000 });
    expect(() => parseYamlInline('a: 1\na: 2\n', 'dup.yaml')).toThrow(/dup\.yaml: invalid YAML/);
  });
});
