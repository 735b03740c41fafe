/** Reading values out of an XmlElement tree: text, inner markup, children by key. */
import { escapeUTF8 as escapeMarkup } from 'entities';
import type { XmlElement, XmlNode } from './xml-tree.js';

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter(isElement);
}

export function children(element: XmlElement, ...keys: string[]): XmlElement[] {
  return childElements(element).filter((child) => keys.includes(child.key));
}

/** The first direct child with the first key that has one. */
export function child(element: XmlElement, ...keys: string[]): XmlElement | undefined {
  const elements = childElements(element);
  for (const key of keys) {
    const found = elements.find((candidate) => candidate.key === key);
    if (found) return found;
  }
  return undefined;
}

/** All text below an element, in document order. */
export function textOf(element: XmlElement): string {
  return element.children.map((node) => (typeof node === 'string' ? node : textOf(node))).join('');
}

export function trimmedText(element: XmlElement | undefined): string | null {
  const value = element ? textOf(element).trim() : '';
  return value === '' ? null : value;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * An element's children as HTML markup (for XHTML content and markup left unescaped in RSS).
 * With `textIsHtml`, text nodes are markup already (escaped HTML inside an element of
 * type="html", as Typepad wraps it in a div) and go out as they are.
 */
export function innerMarkup(element: XmlElement, textIsHtml = false): string {
  return element.children.map((node) => (typeof node === 'string' ? (textIsHtml ? node : escapeMarkup(node)) : outerMarkup(node, textIsHtml))).join('');
}

function outerMarkup(element: XmlElement, textIsHtml: boolean): string {
  const name = element.name.includes(':') ? element.name.slice(element.name.indexOf(':') + 1) : element.name;
  const attrs = Object.entries(element.attrs)
    .filter(([key]) => !key.startsWith('xmlns') && !key.startsWith('xml:'))
    .map(([key, value]) => ` ${key.includes(':') ? key.slice(key.indexOf(':') + 1) : key}="${escapeMarkup(value)}"`)
    .join('');
  if (element.children.length === 0 && VOID.has(name.toLowerCase())) return `<${name}${attrs} />`;
  return `<${name}${attrs}>${innerMarkup(element, textIsHtml)}</${name}>`;
}

/** Text that may carry HTML: `html` says whether `value` is markup. */
export interface TextValue {
  value: string;
  html: boolean;
  base: string | null;
}

const LOOKS_LIKE_HTML = /<\/?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?\/?>|&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/;

/** Text with a tag or an entity reference in it: an RSS value with no stated type is then HTML. */
export function looksLikeHtml(text: string): boolean {
  return LOOKS_LIKE_HTML.test(text);
}

/**
 * An Atom text construct (RFC 4287 3.1: type text|html|xhtml; Atom 0.3: MIME types and
 * mode escaped|xml|base64) or an RSS element, whose text is HTML when it looks like HTML.
 */
export function textConstruct(element: XmlElement | undefined): TextValue | null {
  if (!element) return null;
  const type = (element.attrs.type ?? '').trim().toLowerCase();
  const mode = (element.attrs.mode ?? '').trim().toLowerCase();
  const base = element.base;
  const hasChildElements = element.children.some(isElement);
  if (type === 'xhtml' || type === 'application/xhtml+xml' || mode === 'xml' || (hasChildElements && type !== 'text')) {
    const elements = childElements(element);
    const only = elements.length === 1 && element.children.every((node) => typeof node !== 'string' || node.trim() === '') ? elements[0] : undefined;
    const wrapper = only && only.key.endsWith('div') ? only : element;
    const escapedInside = type === 'html' || type === 'text/html' || mode === 'escaped';
    return { value: innerMarkup(wrapper, escapedInside).trim(), html: true, base };
  }
  // Double-encoded UTF-8 is repaired later, in every text field alike (normalize/repair-entry.ts).
  let value = textOf(element);
  // RFC 4287 4.1.3.3: a MIME type that is neither text nor XML means base64-encoded content.
  const binary = type.includes('/') && !type.startsWith('text/') && !/[+/]xml$/.test(type) && type !== 'application/xhtml+xml';
  if (mode === 'base64' || binary) {
    try {
      value = Buffer.from(value, 'base64').toString('utf8');
    } catch {
      // not base64 after all: keep the text
    }
  }
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (type === 'text' || type === 'text/plain') return { value: trimmed, html: false, base };
  if (type === 'html' || type === 'text/html' || mode === 'escaped' || binary) return { value: trimmed, html: true, base };
  return { value: trimmed, html: looksLikeHtml(trimmed), base };
}
