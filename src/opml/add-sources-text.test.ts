import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addSourcesToText } from './add-sources-text.js';

const B = { id: 'b', url: 'https://b.example/f', tags: ['x, y'] };

describe('adding sources to a config text', () => {
  it('a flow list keeps its sources: the new ones join it before its bracket (they were dropped before)', () => {
    for (const text of ['sources: [{ id: a, url: "https://a.example/f" }]\n# end\n', 'sources:\n  [ { id: a, url: "https://a.example/f" } ]\n']) {
      const after = addSourcesToText(text, [B]);
      expect((parse(after) as { sources: unknown[] }).sources).toEqual([{ id: 'a', url: 'https://a.example/f' }, { id: 'b', url: 'https://b.example/f', tags: ['x, y'] }]);
      expect(after.split('\n').length).toBe(text.split('\n').length);
    }
    expect(addSourcesToText('sources: [{ id: a, url: "https://a.example/f" }]\n# end\n', [B])).toContain('# end');
  });

  it('a block list gets the new items at its end; an empty one is replaced', () => {
    expect(parse(addSourcesToText('sources:\n  - id: a\n    url: https://a.example/f\n', [B]))).toEqual({ sources: [{ id: 'a', url: 'https://a.example/f' }, { id: 'b', url: 'https://b.example/f', tags: ['x, y'] }] });
    expect(parse(addSourcesToText('sources: []\n', [B]))).toEqual({ sources: [{ id: 'b', url: 'https://b.example/f', tags: ['x, y'] }] });
    expect(parse(addSourcesToText('fetch: {}\n', [B]))).toEqual({ fetch: {}, sources: [{ id: 'b', url: 'https://b.example/f', tags: ['x, y'] }] });
  });
});
