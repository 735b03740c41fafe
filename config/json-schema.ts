/**
 * The config's JSON Schema, generated from the zod schema (`z.toJSONSchema`, input side: what
 * a person writes), so editors complete and check the YAML (yaml-language-server modeline in
 * config/feedagg.yaml). `npm run schema` writes it to schemas/config.schema.json; a test checks
 * that the file is up to date. Also the list of keys a typo is compared with.
 */
import { z } from 'zod';
import { KEY_MEANINGS } from './key-meanings.js';
import { configSchema } from './schema.js';

export type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

let generatedOnce: JsonSchema | null = null;

/** Generated once per process (validation asks for it for every unknown key). */
export function configJsonSchema(): JsonSchema {
  generatedOnce ??= generate();
  return generatedOnce;
}

export interface ConfigKey {
  path: string;
  node: JsonSchema;
}

/** Every leaf key of a config schema, in order: objects are walked, arrays of objects too (`sources[].url`). */
export function configKeys(node: JsonSchema = configJsonSchema(), path = ''): ConfigKey[] {
  const options: JsonSchema[] = [node, ...(node.anyOf ?? [])];
  const object = options.find((option) => option.properties);
  if (object?.properties) return Object.entries(object.properties).flatMap(([name, child]) => configKeys(child, path ? `${path}.${name}` : name));
  const list = options.find((option) => option.items)?.items;
  if (list && [list, ...(list.anyOf ?? [])].some((option) => option.properties)) return configKeys(list, `${path}[]`);
  return [{ path, node }];
}

function generate(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  // What each key means (key-meanings.ts): editors show it beside the key.
  for (const { path, node } of configKeys(generated)) {
    const meaning = KEY_MEANINGS[path];
    if (meaning) node.description = meaning.text;
  }
  return {
    ...generated,
    $id: 'https://github.com/feedagg/feedagg/schemas/config.schema.json',
    title: 'feedagg config (config/feedagg.yaml)',
    description: 'Durations take a unit (90s, 15m, 2h, 7d); sizes may (512KB, 10MB). Generated from config/schema.ts: do not edit, run npm run schema.',
  };
}

/** The keys an object at this config path may have (empty when the path is not an object). */
export function knownKeys(path: ReadonlyArray<PropertyKey>, schema: JsonSchema = configJsonSchema()): string[] {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (!node) return [];
    const options: JsonSchema[] = [node, ...(node.anyOf ?? [])];
    node = typeof key === 'number' ? options.find((option) => option.items)?.items : options.find((option) => option.properties?.[String(key)])?.properties?.[String(key)];
  }
  const options: JsonSchema[] = node ? [node, ...(node.anyOf ?? [])] : [];
  return Object.keys(options.find((option) => option.properties)?.properties ?? {});
}

/** Edit distance (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The known key nearest to a typo, when it is close enough to be meant (`htpp` → `http`). */
export function nearestKey(typo: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of known) {
    const d = distance(typo, key);
    if (d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance < typo.length && bestDistance <= Math.max(2, Math.floor(Math.max(typo.length, best.length) / 3)) ? best : null;
}
