import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { removeSourceFromText, sourceIn, updateSourceInText } from './config-text.js';

const TEXT = `# feedagg config: comments and layout are the operator's
fetch:
  timeout: 20s   # aligned comment

sources:
  - id: harbor          # the port
    url: "https://harbor.example/rss.xml"
    tags: [news]
  - { id: river, url: 'https://river.example/feed.json', interval: 10m }
  - id: lake
    title: Lake news
    tags:
      - local
      - weather
    interval: 30m   # slow

outputs: []
`;

/** Lines of `after` that are not in `before`, and the other way round. */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((line) => !a.includes(line)), removed: a.filter((line) => !b.includes(line)) };
}

describe('editing one source in the config text (issue 20)', () => {
  it('sets a value where it stands, keeping its comment, and adds a missing key after the item', () => {
    const after = updateSourceInText(TEXT, 'harbor', { interval: '5m', tags: ['news', 'port: west'], title: 'Harbor <b>' });
    expect(changedLines(TEXT, after)).toEqual({ added: ['    tags: [news, "port: west"]', '    interval: 5m', '    title: Harbor <b>'], removed: ['    tags: [news]'] });
    expect(sourceIn(after, 'harbor')).toEqual({ id: 'harbor', url: 'https://harbor.example/rss.xml', tags: ['news', 'port: west'], interval: '5m', title: 'Harbor <b>' });
  });

  it('a block list becomes one flow line; a removed key loses its lines; the trailing comment stays', () => {
    const after = updateSourceInText(TEXT, 'lake', { tags: ['local'], title: undefined, interval: '1h' });
    expect(after).toContain('    tags: [local]\n    interval: 1h   # slow\n');
    expect(after).not.toContain('Lake news');
    expect(sourceIn(after, 'lake')).toEqual({ id: 'lake', tags: ['local'], interval: '1h' });
    expect(after.replace(/  - id: lake[\s\S]*?# slow\n/, '')).toBe(TEXT.replace(/  - id: lake[\s\S]*?# slow\n/, ''));
  });

  it('a flow item is written again on its own line only', () => {
    const after = updateSourceInText(TEXT, 'river', { enabled: false });
    expect(changedLines(TEXT, after)).toEqual({ added: ['  - { id: river, url: https://river.example/feed.json, interval: 10m, enabled: false }'], removed: ["  - { id: river, url: 'https://river.example/feed.json', interval: 10m }"] });
    expect(sourceIn(after, 'river')?.enabled).toBe(false);
  });

  it('removes a source\'s lines and nothing else; the last one leaves `sources: []`', () => {
    const after = removeSourceFromText(TEXT, 'harbor');
    expect(changedLines(TEXT, after).removed).toEqual(['  - id: harbor          # the port', '    url: "https://harbor.example/rss.xml"', '    tags: [news]']);
    expect(changedLines(TEXT, after).added).toEqual([]);
    const empty = removeSourceFromText(removeSourceFromText(after, 'river'), 'lake');
    expect(parse(empty)).toEqual({ fetch: { timeout: '20s' }, sources: [], outputs: [] });
    expect(empty).toContain('# feedagg config');
  });

  it('a value with a comma or a bracket stays one value in a flow list or a flow item', () => {
    const tags = ['a, b', '[x]', 'plain', '2024', 'c: d'];
    expect(sourceIn(updateSourceInText(TEXT, 'harbor', { tags }), 'harbor')?.tags).toEqual(tags);
    expect(sourceIn(updateSourceInText(TEXT, 'river', { title: 'Rivers, lakes {and} more', tags }), 'river')).toMatchObject({ title: 'Rivers, lakes {and} more', tags });
  });

  it('an unknown id is NOT_FOUND, naming the field', () => {
    expect(() => updateSourceInText(TEXT, 'nope', { interval: '5m' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND', field: 'id' }));
  });
});
