/**
 * A forgiving XML reader for feeds: htmlparser2's tokenizer in XML mode (it never throws:
 * unclosed elements close at the end, stray end tags are ignored), plus what feeds need on
 * top — namespaces mapped to short prefixes, entities decoded once (XML, HTML named entities
 * and those declared in the DOCTYPE), and xml:base / xml:lang inherited down the tree.
 */
import { decodeHTMLStrict } from 'entities';
import { BoundedParser } from './bounded-parser.js';
import { FeedaggError } from '../errors.js';
import { declaredEntities, EntityExpander } from './dtd-entities.js';
import { prefixForNamespace } from './namespaces.js';
import { c1ToWindows1252 } from './repair-text.js';

export interface XmlElement {
  /** `prefix:local` with the short prefix, or `local` for RSS/Atom elements; lower-case. */
  key: string;
  /** The name as written. */
  name: string;
  /** Attributes by the same kind of key (`href`, `xml:base`, `rdf:about`). */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Absolute base URL in force for this element (xml:base chain, then the document URL). */
  base: string | null;
  lang: string | null;
}

export type XmlNode = XmlElement | string;

interface Scope {
  namespaces: Map<string, string | null>;
  element: XmlElement;
  /** An item or entry encloses this element (or is it). */
  inEntry: boolean;
  /** Characters of text kept in this element so far. */
  textLength: number;
}

/** Real feeds nest a dozen levels; thousands mean a broken or hostile document (and deep recursion). */
const MAX_DEPTH = 256;
/** Real elements have a handful of attributes; past this many the rest are dropped. */
const MAX_ATTRIBUTES = 64;

const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Decode entity references once: DOCTYPE-declared ones (within limits), then XML/HTML named and numeric ones. */
export function makeDecoder(entities: EntityExpander): (text: string) => string {
  return (text) => (text.includes('&') ? decodeHTMLStrict(entities.expand(text)) : text);
}

function resolveBase(value: string | undefined, parent: string | null): string | null {
  if (value === undefined) return parent;
  try {
    return new URL(value.trim(), parent ?? undefined).toString();
  } catch {
    return parent;
  }
}

function qualify(name: string, namespaces: Map<string, string | null>, isAttribute: boolean): string {
  const colon = name.indexOf(':');
  const local = (colon === -1 ? name : name.slice(colon + 1)).toLowerCase();
  if (colon === -1) {
    if (isAttribute) return local; // unprefixed attributes have no namespace
    const prefix = namespaces.get('') ?? '';
    return prefix ? `${prefix}:${local}` : local;
  }
  const written = name.slice(0, colon).toLowerCase();
  if (written === 'xml' || written === 'xmlns') return `${written}:${local}`;
  // An undeclared prefix (dc:, media:, … forgotten in the root) is read as written.
  const prefix = namespaces.get(written) ?? written;
  return prefix ? `${prefix}:${local}` : local;
}

function scopeNamespaces(parent: Map<string, string | null>, attribs: Record<string, string>, decode: (text: string) => string): Map<string, string | null> {
  let scope = parent;
  let count = 0;
  for (const name in attribs) {
    if (++count > MAX_ATTRIBUTES) break;
    const raw = attribs[name] ?? '';
    const lower = name.toLowerCase();
    if (lower !== 'xmlns' && !lower.startsWith('xmlns:')) continue;
    if (scope === parent) scope = new Map(parent);
    const uri = decode(raw);
    const declared = lower === 'xmlns' ? '' : lower.slice(6);
    // An unknown namespace keeps the prefix it was declared with (or none, for a default namespace).
    scope.set(declared, prefixForNamespace(uri) ?? (declared === '' ? '' : declared));
  }
  return scope;
}

export interface XmlTree {
  /** The document element; null when there is no element at all. */
  root: XmlElement | null;
  /** An item or entry still open at the end of the input (the document was cut off inside it). */
  unclosedEntry: string | null;
}

export interface XmlTreeOptions {
  /**
   * Called as each entry (an item or entry not inside another) closes; the entry then leaves
   * the tree, so a document with 100k entries never holds 100k element trees at once.
   */
  onEntry?: (entry: XmlElement, root: XmlElement) => void;
  /** Characters of text kept per element; the rest is dropped (a 10 MB title is not read whole). */
  maxTextLength?: number;
  /** The document is an HTML page wrapping a feed (see BoundedParser's htmlVoidsBeforeFeed). */
  htmlWrapper?: boolean;
}

/** An entry's element, by key: RSS <item>, Atom <entry>. */
export const ENTRY_KEYS: ReadonlySet<string> = new Set(['item', 'entry']);

/** Parse a document into a tree, recovering from what an XML parser would reject. */
export function parseXmlTree(text: string, documentUrl: string | null, options: XmlTreeOptions = {}): XmlTree {
  const decode = makeDecoder(new EntityExpander(declaredEntities(text), text.length));
  const maxText = options.maxTextLength ?? Number.POSITIVE_INFINITY;
  const documentElement: XmlElement = { key: '#document', name: '#document', attrs: {}, children: [], base: documentUrl, lang: null };
  const stack: Scope[] = [{ namespaces: new Map(), element: documentElement, inEntry: false, textLength: 0 }];
  let inCdata = false;
  const current = () => stack[stack.length - 1] as Scope;
  const rootElement = () => documentElement.children.find((node): node is XmlElement => typeof node !== 'string') ?? null;
  const parser = new BoundedParser(
    {
      onopentag(name, attribs) {
        if (stack.length > MAX_DEPTH) throw new FeedaggError('PARSE', `malformed XML: elements nested deeper than ${MAX_DEPTH}`);
        const parent = current();
        const namespaces = scopeNamespaces(parent.namespaces, attribs, decode);
        const attrs: Record<string, string> = {};
        for (const attrName in attribs) attrs[qualify(attrName, namespaces, true)] = decode(attribs[attrName] ?? '');
        const key = qualify(name, namespaces, false);
        const element: XmlElement = {
          key,
          name,
          attrs,
          children: [],
          // CDF's <CHANNEL BASE="…"> is its xml:base (W3C NOTE-CDFsubmit, "BASE attribute").
          base: resolveBase(attrs['xml:base'] ?? (key === 'channel' ? attrs.base : undefined), parent.element.base),
          lang: attrs['xml:lang'] ?? parent.element.lang,
        };
        parent.element.children.push(element);
        stack.push({ namespaces, element, inEntry: parent.inEntry || ENTRY_KEYS.has(element.key), textLength: 0 });
      },
      onclosetag() {
        if (stack.length <= 1) return;
        const closed = stack.pop() as Scope;
        const parent = current();
        // The document element itself stays, even when it is an <item>.
        if (!options.onEntry || parent.inEntry || parent.element === documentElement || !ENTRY_KEYS.has(closed.element.key)) return;
        if (parent.element.children[parent.element.children.length - 1] === closed.element) parent.element.children.pop();
        options.onEntry(closed.element, rootElement() ?? closed.element);
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
      ontext(data) {
        const scope = current();
        if (scope.textLength >= maxText) return;
        const children = scope.element.children;
        // Decoding only shortens text (entities), so raw text past the budget is never needed.
        const room = maxText - scope.textLength;
        const raw = data.length > room ? data.slice(0, room) : data;
        // XML 1.0 section 2.2: C0 controls other than tab, LF and CR are not characters; drop them.
        // C1 controls are Windows-1252 text mislabelled (see repair-text.ts).
        let value = c1ToWindows1252((inCdata ? raw : decode(raw)).replace(CONTROL_CHARACTERS, ''));
        if (scope.textLength + value.length > maxText) value = value.slice(0, maxText - scope.textLength);
        scope.textLength += value.length;
        const last = children[children.length - 1];
        if (typeof last === 'string') children[children.length - 1] = last + value;
        else children.push(value);
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true },
    // Depth is refused above (a PARSE error) before the parser's own stack could grow past this.
    { maxAttributes: MAX_ATTRIBUTES, maxDepth: MAX_DEPTH + 2, htmlVoidsBeforeFeed: options.htmlWrapper ?? false },
  );
  parser.write(text);
  const unclosedEntry = stack.find((scope) => ENTRY_KEYS.has(scope.element.key))?.element.name ?? null;
  parser.end();
  return { root: rootElement(), unclosedEntry };
}
