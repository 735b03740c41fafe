/**
 * Files of feedparser's corpus where its HTML reading predates HTML5 (feedparser 6.0.10 reads
 * HTML with Python's sgmllib-style parser and an HTML 4 entity table), written down one by one
 * with the HTML5 reading and why it differs. Each value is what an HTML5 parser (HTML Living
 * Standard 13.2) gives as the text a reader sees, read by hand from the file. In the
 * conformance run the HTML5 reading agrees as well as feedparser's: our output is still checked
 * against a written value, so a change in our reading of these files shows up as a difference.
 *
 * Keys are those of expectations.ts: `field` for feed fields, `field#entry` for entry fields.
 */
import type { Field } from './compare.js';

export interface Html5Reading {
  path: string;
  field: Field;
  entry: number | null;
  /** The text an HTML5 parser shows ('' for none). */
  value: string;
  reason: string;
}

const SCRIPT = 'a line break inside `<script\\n>` still ends the start tag (13.2.5.8 to 13.2.5.10), so the function body is script data, never text (feedparser keeps it as text)';
const SCRIPT_TEXT = 'Did The Javascript Execute? I will execute here, too, if you mouse over me';
const IFRAME = 'an `<iframe>`\'s content is never rendered (4.8.5: it is not a fallback for browsers without frames any more), and the sanitizer drops the element';
const SVG = 'SVG `<title>` and `<desc>` are metadata of the drawing, not rendered text, and inline SVG is dropped by the sanitizer (a script vector)';

export const HTML5_READINGS: readonly Html5Reading[] = [
  // The summaries also leave out the embedded document's <title>: it is the head's title, not body text.
  ...['entry_content_crazy', 'entry_summary_crazy', 'item_content_encoded_crazy', 'item_description_crazy', 'item_fullitem_crazy'].map((name): Html5Reading => ({
    path: `tests/wellformed/sanitize/${name}.xml`, field: 'summary', entry: 0, value: SCRIPT_TEXT, reason: SCRIPT,
  })),
  { path: 'tests/wellformed/sanitize/entry_title_crazy.xml', field: 'title', entry: 0, value: `Crazy HTML -- Can Your Regex Parse This? ${SCRIPT_TEXT}`, reason: `${SCRIPT}; the head's title text is kept, as feedparser keeps it` },
  { path: 'tests/wellformed/sanitize/feed_title_crazy.xml', field: 'feed.title', entry: null, value: `Crazy HTML -- Can Your Regex Parse This? ${SCRIPT_TEXT}`, reason: `${SCRIPT}; the head's title text is kept, as feedparser keeps it` },
  { path: 'tests/wellformed/sanitize/entry_content_iframe.xml', field: 'summary', entry: 0, value: 'safe', reason: IFRAME },
  { path: 'tests/wellformed/sanitize/entry_summary_iframe.xml', field: 'summary', entry: 0, value: 'safe', reason: IFRAME },
  { path: 'tests/wellformed/namespace/atomsvgdctitle.xml', field: 'summary', entry: 0, value: 'Before After', reason: SVG },
  { path: 'tests/wellformed/namespace/atomsvgdesc.xml', field: 'summary', entry: 0, value: '', reason: SVG },
  { path: 'tests/wellformed/namespace/atomsvgtitle.xml', field: 'summary', entry: 0, value: '', reason: SVG },
  {
    path: 'tests/wellformed/sanitize/xml_malicious_comment.xml', field: 'feed.title', entry: null, value: 'sa',
    reason: '`-- nonwhitespace >` does not end an HTML comment, only `-->` does (13.2.5.43 to 13.2.5.52), so the comment runs to the end of the text (eof-in-comment) and nothing after `<!--` is text; feedparser ends it at the first `>`',
  },
  { path: 'tests/entities/lang.xml', field: 'feed.title', entry: null, value: 'testing \u27e8 entity', reason: '`&lang;` is U+27E8 in HTML5\'s named character references (13.5); U+2329 is the HTML 4 code point, deprecated by Unicode' },
  { path: 'tests/entities/rang.xml', field: 'feed.title', entry: null, value: 'testing \u27e9 entity', reason: '`&rang;` is U+27E9 in HTML5\'s named character references (13.5); U+232A is the HTML 4 code point, deprecated by Unicode' },
];

/** The HTML5 readings of one file, keyed as expectations.ts keys asserted values. */
export function html5Readings(path: string): Map<string, string> {
  return new Map(HTML5_READINGS.filter((reading) => reading.path === path).map((reading) => [reading.entry === null ? reading.field : `${reading.field}#${reading.entry}`, reading.value]));
}
