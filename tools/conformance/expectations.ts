/**
 * What a corpus file's own test asserts (`Expect:` in feedparser's test files, `expect` in
 * cases.jsonl), for the simple equalities we can read: `entries[0]['link'] == 'value'`, chains
 * such as `entries[0]['link'] == entries[1]['link'] == 'value'`, and `feed['title'] == 'value'`.
 * feedparser 6.0.10's output contradicts its own test in a few files; there the value the
 * test asserts also agrees (docs/conformance.md).
 */
import type { Field } from './compare.js';

const CHAIN = /((?:(?:entries\[\d+\]|feed)\[['"]\w+['"]\]\s*==\s*)+)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g;
const REFERENCE = /(entries\[(\d+)\]|feed)\[['"](\w+)['"]\]/g;

const ENTRY_FIELDS: Record<string, Field> = { link: 'link', title: 'title', id: 'id', description: 'summary', summary: 'summary' };
const FEED_FIELDS: Record<string, Field> = { title: 'feed.title', link: 'feed.link' };

/** A Python string literal's value (the escapes feedparser's tests use). */
function pythonString(literal: string): string {
  return literal.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_match, escape: string) => {
    if (escape.length > 1) return String.fromCharCode(parseInt(escape.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escape] ?? escape;
  });
}

/** Asserted values by `field` (feed fields) or `field#entry` (entry fields). */
export function assertedValues(expect: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!expect) return out;
  for (const [, references = '', literal = "''"] of expect.matchAll(CHAIN)) {
    const value = pythonString(literal);
    for (const [, , entry, name = ''] of references.matchAll(REFERENCE)) {
      const field = entry === undefined ? FEED_FIELDS[name] : ENTRY_FIELDS[name];
      if (field) out.set(entry === undefined ? field : `${field}#${entry}`, value);
    }
  }
  return out;
}
