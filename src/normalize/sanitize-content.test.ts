import { describe, expect, it } from 'vitest';
import { sanitizeContent, sanitizeWithText } from './sanitize-content.js';

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
    ['<form><input name="q"><button>Go</button></form>t', 't'],
    ['<form action="/x"><p>Sign up</p></form>', '<p>Sign up</p>'],
    ['<object data="x"><param name="a" value="b"></object><embed src="y">z', 'z'],
    ['safe<object classid="clsid:1"> <b>description</b></object>', 'safe <b>description</b>'],
    ['<img src="data:image/png;base64,AAAA">', '<img src="data:image/png;base64,AAAA" />'],
    ['<a href="data:text/html,boom">d</a>', '<a rel="noopener noreferrer">d</a>'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeContent(input, base)).toBe(expected);
  });
});

describe('sanitizeContent against parser tricks', () => {
  it.each([
    ['entity-obfuscated javascript: link', '<a href="java&#x09;script:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'],
    ['a spaced scheme', '<a href=" javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'],
    ['upper-case tags and handlers', '<IMG SRC="a.png" ONERROR="alert(1)">', '<img src="http://site.example/posts/a.png" />'],
    ['noscript with a closing tag in an attribute', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>ok', 'ok'],
    ['svg with a style and an image inside', '<svg><style><img src=x onerror=alert(1)></style></svg>after', 'after'],
    ['math with a mglyph', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', '<table></table>'],
    ['math keeps its text, not its tags', '<p><math><mi>a</mi><mo>+</mo><mi>b</mi></math></p>', '<p>a+b</p>'],
    ['a comment hiding a script', '<!--<script>alert(1)</script>-->text', 'text'],
    ['text that looks like markup stays text', '<p>a &lt; b &amp;&amp; c &gt; d</p>', '<p>a &lt; b &amp;&amp; c &gt; d</p>'],
    ['quotes in attributes are escaped', '<a href="/q?a=1&amp;b=&quot;x&quot;" title="say &quot;hi&quot; &lt;b&gt;">q</a>', '<a href="http://site.example/q?a=1&amp;b=%22x%22" title="say &quot;hi&quot; &lt;b&gt;" rel="noopener noreferrer">q</a>'],
    ['unclosed and stray tags are balanced', '<p><b>bold<i>both</p></i>tail</b>', '<p><b>bold<i>both</i></b></p>tail'],
    ['a rel of the feed is replaced', '<a rel="opener" href="http://x.example/">l</a>', '<a href="http://x.example/" rel="noopener noreferrer">l</a>'],
    ['an image without a usable source is dropped', '<img src="javascript:alert(1)"><img>', ''],
    ['style attributes are dropped', '<p style="background:url(javascript:alert(1))">s</p>', '<p>s</p>'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeContent(input, base)).toBe(expected);
  });

  it('gives the plain text of what it kept, with block edges as spaces', () => {
    expect(sanitizeWithText('<h1>Title</h1><p>One&nbsp;<b>two</b></p><script>no</script><ul><li>a</li><li>b</li></ul>', base)).toEqual({
      html: '<h1>Title</h1><p>One\u00a0<b>two</b></p><ul><li>a</li><li>b</li></ul>',
      text: 'Title One two a b',
    });
  });
});
