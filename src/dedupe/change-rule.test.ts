import { describe, expect, it } from 'vitest';
import { htmlToText } from '../normalize/html-to-text.js';
import { changeFingerprint, meaningfulWords } from './change-rule.js';

type Version = { title: string; contentHtml: string };
const isSubstantialChange = (before: Version, after: Version) =>
  changeFingerprint(before.title, htmlToText(before.contentHtml)) !== changeFingerprint(after.title, htmlToText(after.contentHtml));

const base: Version = {
  title: 'Dock workers strike at Norhavn',
  contentHtml: '<p>About 1,800 workers joined the stoppage. Cranes stood still.</p><p>Comments</p>',
};

describe('isSubstantialChange', () => {
  it.each([
    ['identical', {}, false],
    ['whitespace only', { contentHtml: '<p>About  1,800\n workers joined the stoppage.   Cranes stood still.</p>\n<p>Comments</p>' }, false],
    ['letter case and quote style', { title: 'DOCK WORKERS STRIKE AT NORHAVN', contentHtml: base.contentHtml.replace('.', '’.') }, false],
    ['markup and link targets (tracking parameters)', { contentHtml: '<div>About <b>1,800</b> <a href="https://x.example/?utm_source=rss">workers</a> joined the stoppage. Cranes stood still.</div><p>Comments</p>' }, false],
    ['a comment count', { contentHtml: base.contentHtml.replace('Comments', 'Comments (27)') }, false],
    ['an "updated 3 hours ago" stamp', { contentHtml: `${base.contentHtml}<p>Updated 3 hours ago</p>` }, false],
    ['a clock time', { contentHtml: base.contentHtml.replace('Comments', 'Comments 10:42') }, false],
    ['a changed number', { contentHtml: base.contentHtml.replace('1,800', '2,100') }, true],
    ['a fixed typo', { contentHtml: base.contentHtml.replace('stood', 'stod') }, true],
    ['an added sentence', { contentHtml: base.contentHtml.replace('still.', 'still. Ships waited outside.') }, true],
    ['a new headline', { title: 'Norhavn dockers walk out' }, true],
  ] as Array<[string, Partial<typeof base>, boolean]>)('%s → %s', (_name, change, substantial) => {
    expect(isSubstantialChange(base, { ...base, ...change })).toBe(substantial);
  });

  it('uses the words it is given when the text has no digits, and the same hash either way', () => {
    const text = 'Cranes stood still all day';
    expect(changeFingerprint('T', text, ['cranes', 'stood', 'still', 'all', 'day'])).toBe(changeFingerprint('T', text));
  });

  it('reduces noise but keeps the words', () => {
    expect(meaningfulWords('Comments (12) · 1,204 views · posted 10:31 · 2026-11-26T10:31:00Z · 5 minutes ago')).toEqual(['comments', 'views', 'posted']);
  });
});
