import { describe, expect, it } from 'vitest';
import { canonicalUrl, resolveUrl } from './urls.js';

describe('resolveUrl', () => {
  it.each([
    ['/a', ['http://x.example/feed'], 'http://x.example/a'],
    ['b', [null, 'http://site.example/dir/'], 'http://site.example/dir/b'],
    ['https://abs.example/', ['http://x.example/'], 'https://abs.example/'],
    ['javascript:alert(1)', ['http://x.example/'], null],
    ['mailto:a@b.c', [], null],
    ['', ['http://x.example/'], null],
    ['relative', [], null],
  ] as Array<[string, Array<string | null>, string | null]>)('%j against %j → %j', (value, bases, expected) => {
    expect(resolveUrl(value, ...bases)).toBe(expected);
  });
});

describe('canonicalUrl', () => {
  it.each([
    ['HTTP://Example.COM:80/a?utm_source=x&id=3&fbclid=y#top', 'http://example.com/a?id=3'],
    ['https://example.com:443/a?gclid=1&mc_cid=2&mc_eid=3', 'https://example.com/a'],
    ['https://example.com:8443/a?b=2&a=1', 'https://example.com:8443/a?b=2&a=1'],
    ['https://example.com/path?utm_medium=feed', 'https://example.com/path'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });
});
