/** Readers for xml2js nodes (as rss-parser hands them over): `"text"`, `{_: text, $: attrs}` or nested objects. */
export type XmlNode = unknown;

export function nodeText(node: XmlNode): string | null {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (typeof node === 'object' && node !== null) {
    const text = (node as { _?: unknown })._;
    if (typeof text === 'string') return text;
  }
  return null;
}

export function nodeAttr(node: XmlNode, name: string): string | null {
  if (typeof node !== 'object' || node === null) return null;
  const attrs = (node as { $?: Record<string, unknown> }).$;
  const value = attrs?.[name];
  return typeof value === 'string' ? value : null;
}

export function nodeChild(node: XmlNode, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as Record<string, unknown>)[name];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

export function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function field(record: Record<string, unknown>, name: string): string | null {
  const value = record[name];
  if (typeof value === 'string') return value;
  return nodeText(value);
}
