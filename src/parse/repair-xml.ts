/**
 * Last-resort repairs for XML that real feeds get wrong, applied only after a strict parse
 * failed (as feedparser's loose mode does): bare `&`, HTML named entities that XML does not
 * declare, control characters, junk before the XML declaration.
 */
import { decodeHTMLStrict } from 'entities';

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

export function repairXml(text: string): string {
  return text
    .replace(/^[\s\S]*?(?=<\?xml)/, (junk) => (junk.includes('<') ? junk : ''))
    // XML 1.0 section 2.2: C0 controls other than tab, LF and CR are not characters.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&(?!#\d+;|#x[0-9a-fA-F]+;)([A-Za-z][A-Za-z0-9]*;)?/g, (match: string, name: string | undefined) => {
      if (!name) return '&amp;';
      const bare = name.slice(0, -1);
      if (XML_ENTITIES.has(bare)) return match;
      const decoded = decodeHTMLStrict(match);
      if (decoded === match) return `&amp;${name}`;
      return [...decoded].map((char) => `&#${char.codePointAt(0)};`).join('');
    });
}
