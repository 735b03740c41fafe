import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-to-text.js';

describe('htmlToText', () => {
  it.each([
    ['Snow on the <em>high</em> pass', 'Snow on the high pass'],
    ['Fish &amp; chips', 'Fish & chips'],
    ['caf&eacute; &nbsp; ok', 'café ok'],
    ['<p>one</p><p>two</p>', 'one two'],
    ['  lots \n of\t space  ', 'lots of space'],
    ['a < b', 'a < b'],
    ['<script>x()</script>text', 'text'],
  ])('%j → %j', (input, expected) => {
    expect(htmlToText(input)).toBe(expected);
  });
});
