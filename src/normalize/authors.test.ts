import { describe, expect, it } from 'vitest';
import { normalizeAuthors, parseAuthorText } from './authors.js';

describe('authors', () => {
  it.each([
    ['editor@harbor.example (Bo Lindqvist)', { name: 'Bo Lindqvist', email: 'editor@harbor.example', url: null }],
    ['Bo Lindqvist (editor@harbor.example)', { name: 'Bo Lindqvist', email: 'editor@harbor.example', url: null }],
    ['Bo Lindqvist <editor@harbor.example>', { name: 'Bo Lindqvist', email: 'editor@harbor.example', url: null }],
    ['Ana Costa', { name: 'Ana Costa', email: null, url: null }],
    ['a@b.example', { name: 'a@b.example', email: 'a@b.example', url: null }],
  ])('parseAuthorText(%j)', (input, expected) => {
    expect(parseAuthorText(input)).toEqual(expected);
  });

  it('prefers structured people, resolves their URLs and drops duplicates', () => {
    const authors = normalizeAuthors([{ name: 'Jo', email: null, url: '/jo' }, { name: 'Jo', email: null, url: null }], ['ignored'], 'http://x.example/a');
    expect(authors).toEqual([{ name: 'Jo', email: null, url: 'http://x.example/jo' }]);
  });
});
