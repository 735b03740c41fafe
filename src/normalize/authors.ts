import type { Author } from '../model/article.js';
import type { RawPerson } from '../parse/raw-feed.js';
import { htmlToText } from './html-to-text.js';
import { resolveUrl } from './urls.js';

const EMAIL = /^[^\s@()<>]+@[^\s@()<>]+$/;

/**
 * "outer (inner)": the text before the first `(` and between it and a `)` that ends the value.
 * By index, not by `/^(.*?)\s*\((.*)\)\s*$/`, which backtracked over every `(` (300,000 of
 * them took 41 s).
 */
export function splitParenthesis(value: string): [string, string] | null {
  const trimmed = value.trimEnd();
  if (!trimmed.endsWith(')')) return null;
  const open = trimmed.indexOf('(');
  if (open === -1 || open === trimmed.length - 1) return null;
  return [trimmed.slice(0, open).trimEnd(), trimmed.slice(open + 1, -1)];
}

/** RSS <author> and dc:creator: "email (Name)", "Name (email)", "Name <email>", or a bare value. */
export function parseAuthorText(text: string): Author | null {
  // "Name <email>" would read as a tag to an HTML parser: turn it into "Name (email)" first.
  const value = htmlToText(text.replace(/<([^<>\s@]+@[^<>\s]+)>/g, '($1)'));
  if (!value) return null;
  const paren = splitParenthesis(value);
  if (paren) {
    const [outer, inner] = paren;
    if (EMAIL.test(outer.trim())) return { name: inner.trim() || outer.trim(), email: outer.trim(), url: null };
    if (EMAIL.test(inner.trim())) return { name: outer.trim() || inner.trim(), email: inner.trim(), url: null };
  }
  if (EMAIL.test(value)) return { name: value, email: value, url: null };
  return { name: value, email: null, url: null };
}

/** Structured people first; free-text fields only when there are none (they usually repeat them). */
export function normalizeAuthors(people: RawPerson[], authorTexts: string[], baseUrl: string | null): Author[] {
  const authors: Author[] = people.flatMap((person) => {
    const name = person.name ? htmlToText(person.name) : '';
    const email = person.email?.trim() || null;
    const url = resolveUrl(person.url, baseUrl);
    const display = name || email || url;
    return display ? [{ name: display, email, url }] : [];
  });
  if (authors.length === 0) {
    for (const text of authorTexts) {
      const author = parseAuthorText(text);
      if (author) authors.push(author);
    }
  }
  const seen = new Set<string>();
  return authors.filter((author) => !seen.has(author.name) && Boolean(seen.add(author.name)));
}
