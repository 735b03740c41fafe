/**
 * Text into markup (HTML or XML): the one pair of escapes every writer uses, the sanitizer,
 * the feed writers, OPML and the status page. Attribute values are always double-quoted.
 */
const TEXT = /[&<>]/g;
const ATTRIBUTE = /[&<>"]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text content: `&`, `<` and `>` escaped. */
export function escapeText(text: string): string {
  return text.replace(TEXT, (character) => ENTITIES[character] ?? character);
}

/** A double-quoted attribute value: the text escapes and `"`. */
export function escapeAttribute(text: string): string {
  return text.replace(ATTRIBUTE, (character) => ENTITIES[character] ?? character);
}
