/**
 * Every pattern and loop that sees feed text runs in linear time (issue 15): an input of size
 * 2n takes well under 3× the time of size n (quadratic code takes 4×), measured on a size
 * that takes at least 50 ms. The first rows are the inputs that froze a worker before.
 */
import { describe, expect, it } from 'vitest';
import { withoutNoise } from '../src/dedupe/change-rule.js';
import { words } from '../src/dedupe/text-features.js';
import { parseAuthorText } from '../src/normalize/authors.js';
import { cutHtml } from '../src/normalize/document-limits.js';
import { collapseWhitespace, htmlToText } from '../src/normalize/html-to-text.js';
import { parseDate } from '../src/normalize/parse-date.js';
import { sanitizeWithText } from '../src/normalize/sanitize-content.js';
import { canonicalUrl } from '../src/normalize/urls.js';
import { decodeBody } from '../src/parse/decode-body.js';
import { declaredEntities } from '../src/parse/dtd-entities.js';
import { findFeedLinks } from '../src/parse/find-feed-links.js';
import { escapeControlCharacters } from '../src/parse/lenient-json.js';
import { c1ToWindows1252, repairDoubleEncoding } from '../src/parse/repair-text.js';
import { looksLikeHtml } from '../src/parse/tree-text.js';
import { forEachBatch, scanJson } from '../src/parse/json-scan.js';
import { detectDocumentKind, parseFeed } from '../src/parse/parse-feed.js';
import { redactText } from '../src/redact.js';
import { parseXmlTree } from '../src/parse/xml-tree.js';
import { readFeed } from '../src/pipeline/read-feed.js';
import { htmlSafeText, stripInvalidXmlCharacters } from '../src/publish/published-item.js';
import { measureDoubling } from './helpers/doubling.js';

const now = new Date('2026-12-01T00:00:00Z');
const rss = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
const read = (text: string) => readFeed({ sourceId: 's', body: Buffer.from(text), contentType: null, documentUrl: 'http://example.org/feed', now });

interface Row {
  name: string;
  make: (n: number) => string;
  run: (input: string) => unknown;
  startN: number;
}

const rows: Row[] = [
  // The three that took 15 s, 146 s and 41 s before.
  { name: 'DOCTYPE internal subset of `<!` repeated', make: (n) => `<?xml version="1.0"?><!DOCTYPE rss [${'<!'.repeat(n)}]><rss/>`, run: (text) => declaredEntities(text), startN: 4096 },
  { name: 'content cut inside `&` × n', make: (n) => `${'&'.repeat(n)}\n${'x'.repeat(100)}`, run: (text) => cutHtml(text, text.length - 50), startN: 4096 },
  { name: 'RSS author of `(` × n', make: (n) => '('.repeat(n), run: (text) => parseAuthorText(text), startN: 4096 },
  // The sanitizer and the text reader on unclosed nesting and stray end tags.
  { name: 'sanitizer: unclosed nested <div>', make: (n) => '<div>'.repeat(n), run: (html) => sanitizeWithText(html, 'http://example.org/'), startN: 4096 },
  { name: 'sanitizer: nested <div> then stray </span>', make: (n) => `${'<div>'.repeat(n)}${'</span>'.repeat(n)}`, run: (html) => sanitizeWithText(html, 'http://example.org/'), startN: 4096 },
  { name: 'sanitizer: nested <form>', make: (n) => `${'<div>'.repeat(n)}${'<form>'.repeat(n)}`, run: (html) => sanitizeWithText(html, null), startN: 4096 },
  { name: 'html to text: unclosed nested <div>', make: (n) => '<div><b>'.repeat(n), run: (html) => htmlToText(html), startN: 4096 },
  // Dates, authors, entities, URLs, whitespace, charset sniffing, HTML detection, noise.
  { name: 'date of digits and commas', make: (n) => '1, '.repeat(n), run: (text) => parseDate(text, now), startN: 4096 },
  { name: 'date: ISO-like prefix then junk', make: (n) => `2026-${'1'.repeat(n)}`, run: (text) => parseDate(text, now), startN: 4096 },
  { name: 'author "Name <a@b" without >', make: (n) => `<a@b${' <a@b'.repeat(n)}`, run: (text) => parseAuthorText(text), startN: 1024 },
  { name: 'author of `a (` repeated', make: (n) => 'a ('.repeat(n) + ')', run: (text) => parseAuthorText(text), startN: 4096 },
  { name: 'entity references declared in the DOCTYPE', make: (n) => `<!DOCTYPE r [<!ENTITY e "x">]><r>${'&e;'.repeat(n)}</r>`, run: (text) => parseXmlTree(text, null), startN: 4096 },
  { name: 'unterminated entity references', make: (n) => `<r>${'&amp'.repeat(n)}</r>`, run: (text) => parseXmlTree(text, null), startN: 4096 },
  { name: 'DOCTYPE never closed', make: (n) => `<!DOCTYPE r [${'<!ENTITY a "'.repeat(n)}`, run: (text) => declaredEntities(text), startN: 4096 },
  { name: 'many DOCTYPE starts', make: (n) => `<!DOCTYPE r [${']'.repeat(n)}`, run: (text) => declaredEntities(text), startN: 4096 },
  { name: 'whitespace runs', make: (n) => ' \t\n\u200b'.repeat(n), run: (text) => collapseWhitespace(text), startN: 4096 },
  { name: 'looks like HTML: `<a ` never closed', make: (n) => '<a '.repeat(n), run: (text) => looksLikeHtml(text), startN: 4096 },
  { name: 'looks like HTML: `&a` never closed', make: (n) => '&a'.repeat(n), run: (text) => looksLikeHtml(text), startN: 4096 },
  { name: 'feed links: `<link ` never closed', make: (n) => `<html>${'<link rel="alternate" '.repeat(n)}`, run: (html) => findFeedLinks(html, null), startN: 2048 },
  { name: 'document kind: a page of `<fee` and `<rs` never a feed tag', make: (n) => `<!DOCTYPE html><html>${'<fee<rs <rdf:RD<a-b.c'.repeat(n)}${'<x'.repeat(n)}${'a'.repeat(n)}`, run: (text) => detectDocumentKind(text), startN: 4096 },
  { name: 'page wrapping a feed: unclosed void elements before it', make: (n) => `<html><body><p>${'a<br><img src=x>'.repeat(n)}</p><rss version="2.0"><channel><title>t</title></channel></rss></body></html>`, run: (text) => parseFeed(text), startN: 2048 },
  { name: 'JSON control characters', make: (n) => `{"a":"${'\n\\"'.repeat(n)}"}`, run: (text) => escapeControlCharacters(text), startN: 4096 },
  { name: 'C1 controls and mojibake', make: (n) => 'Ã©\u0093'.repeat(n), run: (text) => repairDoubleEncoding(c1ToWindows1252(text)), startN: 4096 },
  { name: 'noise: digits and commas', make: (n) => '1,'.repeat(n), run: (text) => withoutNoise(text), startN: 4096 },
  { name: 'noise: counted words', make: (n) => 'comments 1 '.repeat(n), run: (text) => withoutNoise(text), startN: 2048 },
  { name: 'words of non-ASCII text', make: (n) => 'é-ü '.repeat(n), run: (text) => words(text), startN: 4096 },
  { name: 'URL with a long query', make: (n) => `http://example.org/?${'utm_source=x&a=1&'.repeat(n)}`, run: (url) => canonicalUrl(url), startN: 1024 },
  { name: 'published text escaping', make: (n) => '&amp&#&lt'.repeat(n), run: (text) => htmlSafeText(text), startN: 4096 },
  { name: 'invalid XML characters and lone surrogates', make: (n) => '\u0001\ud800a\udc00'.repeat(n), run: (text) => stripInvalidXmlCharacters(text), startN: 4096 },
  { name: 'charset: mostly bad UTF-8', make: (n) => '\u00ff\u00e9'.repeat(n), run: (text) => decodeBody(Buffer.from(text, 'latin1'), 'text/xml; charset=utf-8'), startN: 4096 },
  // The JSON scan that finds a JSON Feed's items, and the redaction of URLs in messages.
  { name: 'JSON scan: strings with escapes', make: (n) => `{"items":[${'{"t":"\\\"x"},'.repeat(n)}{}]}`, run: (text) => {
    const { items } = scanJson(text);
    if (items) forEachBatch(text, items.open, items.close, 256, () => undefined);
  }, startN: 4096 },
  { name: 'JSON scan: an unterminated string', make: (n) => `{"items":["${'\\"'.repeat(n)}`, run: (text) => scanJson(text), startN: 4096 },
  { name: 'redacted URLs in a message', make: (n) => `http://u:p@h/x?token=1 ${'http://'.repeat(n)}:::${':'.repeat(n)}`, run: (text) => redactText(text), startN: 1024 },
  // Whole documents through the reader (parse, normalize, sanitize, fingerprint).
  { name: 'feed: RSS <author> of `(` × n', make: (n) => rss(`<item><title>a</title><author>${'('.repeat(n)}</author></item>`), run: (text) => read(text), startN: 4096 },
  { name: 'feed: JSON Feed content_html of `&` × n cut at the size limit', make: (n) => JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 't', items: [{ id: '1', content_html: `${'&'.repeat(n)}\n${'x'.repeat(100)}` }] }), run: (text) => readFeed({ sourceId: 's', body: Buffer.from(text), contentType: null, documentUrl: null, now, limits: { maxItems: 10, maxTitleLength: 100, maxCategories: 10, maxContentSize: Math.floor(text.length / 2) } }), startN: 4096 },
  { name: 'feed: description of unclosed nested <div>', make: (n) => rss(`<item><title>a</title><description><![CDATA[${'<div>'.repeat(n)}]]></description></item>`), run: (text) => read(text), startN: 2048 },
];

describe('linear time on untrusted text (time for 2n / time for n < 3)', () => {
  it.each(rows)('$name', async ({ make, run, startN }) => {
    const result = measureDoubling(make, (input) => {
      const value = run(input);
      return value;
    }, { startN, maxN: 1 << 22, runs: 3 });
    // readFeed is async only in its signature; its work is done synchronously by the time it returns.
    expect(result.ratio, `n=${result.n}: ${result.msN.toFixed(1)} ms, 2n: ${result.ms2N.toFixed(1)} ms`).toBeLessThan(3);
  });
});
