import { describe, expect, it } from 'vitest';
import { sanitizeContent } from './sanitize-content.js';

const base = 'http://site.example/posts/1';

describe('sanitizeContent', () => {
  it.each([
    ['<p>ok</p><script>alert(1)</script>', '<p>ok</p>'],
    ['<p onclick="x()">hi</p>', '<p>hi</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'],
    ['<a href="/about">x</a>', '<a href="http://site.example/about" rel="noopener noreferrer">x</a>'],
    ['<img src="pic.jpg" alt="p">', '<img src="http://site.example/posts/pic.jpg" alt="p" />'],
    ['<img src="/t.gif" width="1" height="1">', ''],
    ['<iframe src="http://evil.example/"></iframe><p>after</p>', '<p>after</p>'],
    ['<style>p{}</style><p>s</p>', '<p>s</p>'],
    ['<form><input name="q"></form>t', 't'],
    ['<object data="x"></object><embed src="y">z', 'z'],
    ['<img src="data:image/png;base64,AAAA">', '<img src="data:image/png;base64,AAAA" />'],
    ['<a href="data:text/html,boom">d</a>', '<a rel="noopener noreferrer">d</a>'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeContent(input, base)).toBe(expected);
  });
});
