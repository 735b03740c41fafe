/**
 * The layouts that cross the TypeScript–Lua boundary, named once. The scripts get them as Lua
 * tables (`--- @include "layouts"`, generated from this module when a script is loaded), and
 * the TypeScript side reads and writes by the same names: a field is renamed or moved here,
 * in one place.
 */

/**
 * An article's meta: a JSON array in the articleMeta hash (cjson in Lua), 1-based as Lua
 * indexes it. Written by accept.lua; read by the scripts that count events and sweep, and by
 * parseMeta.
 */
export const META = {
  version: 1,
  firstSource: 2,
  /** The source whose text the article carries. */
  canonical: 3,
  score: 4,
  textLength: 5,
  changeFp: 6,
  /** Story key hashes, comma-separated. */
  stories: 7,
  /** Sources listing it now. */
  listedBy: 8,
  /** Events of it not yet handed over. */
  pending: 9,
  sourceCount: 10,
  /** [[source, url, seenAt, entry key hash], ...], the first MAX_PROVENANCE. */
  provenance: 11,
  /** The accept sequence when it was created (a publish judges only articles created before it read the index). */
  createdSequence: 12,
  /** A coalesced change is pending (0/1). */
  coalescePending: 13,
} as const;

export type MetaField = keyof typeof META;

/** A meta array's field, by name (TypeScript arrays are 0-based). */
export function metaField(meta: readonly unknown[], field: MetaField): unknown {
  return meta[META[field] - 1];
}

/** accept.lua's arguments per entry, in order; `ENTRY.<name>` is the offset from an entry's first one. */
export const ACCEPT_ENTRY = ['ekh', 'story1', 'story2', 'id', 'altId', 'body', 'score', 'url', 'changeFp', 'textLength', 'sig', 'lshKeys', 'lshSuffixes'] as const;

export type AcceptEntryArgs = Record<(typeof ACCEPT_ENTRY)[number], string | number | Buffer>;

/** One entry's arguments in the order accept.lua reads them. */
export function acceptEntryArgs(values: AcceptEntryArgs): Array<string | number | Buffer> {
  return ACCEPT_ENTRY.map((name) => values[name]);
}

/** The Lua form of these layouts (the "layouts" include). */
export function layoutsLua(): string {
  const meta = Object.entries(META).map(([name, index]) => `${name} = ${index}`).join(', ');
  const entry = ACCEPT_ENTRY.map((name, offset) => `${name} = ${offset}`).join(', ');
  return [
    '-- Generated from src/store/layouts.ts when the script is loaded: edit the layouts there.',
    `local META = { ${meta} }`,
    `local ENTRY = { ${entry} }`,
    `local ENTRY_ARGS = ${ACCEPT_ENTRY.length}`,
  ].join('\n');
}
