/**
 * Double-encoded UTF-8 ("FranÃ§oise", "VidÃ©o") repaired in every text field an entry carries,
 * whatever format it came in: titles, summaries, content, author names and free-text author
 * fields, categories. One place, so that no field keeps the mojibake its title lost. Each value
 * is judged whole (repair-text.ts): real Latin-1 text is left as it is.
 */
import { repairDoubleEncoding } from '../parse/repair-text.js';
import type { RawEntry, RawPerson, RawText } from '../parse/raw-feed.js';

export function repairText(text: RawText | null): RawText | null {
  if (!text) return null;
  const value = repairDoubleEncoding(text.value);
  return value === text.value ? text : { ...text, value };
}

export function repairPerson(person: RawPerson): RawPerson {
  return { ...person, name: person.name === null ? null : repairDoubleEncoding(person.name) };
}

export function repairEntryText(entry: RawEntry): RawEntry {
  return {
    ...entry,
    title: repairText(entry.title),
    summary: repairText(entry.summary),
    content: repairText(entry.content),
    authors: entry.authors.map(repairPerson),
    authorTexts: entry.authorTexts.map(repairDoubleEncoding),
    categories: entry.categories.map(repairDoubleEncoding),
  };
}
