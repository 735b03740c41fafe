/**
 * `npm run schema`: write schemas/config.schema.json from the zod schema (see json-schema.ts),
 * and the reference table of docs/configuration.md (see config-reference.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from './config-reference.js';
import { configJsonSchema } from './json-schema.js';

export const CONFIG_SCHEMA_FILE = join('schemas', 'config.schema.json');
export const CONFIG_DOC_FILE = join('docs', 'configuration.md');

export function configSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('write-json-schema.js')) {
  writeFileSync(CONFIG_SCHEMA_FILE, configSchemaText());
  writeFileSync(CONFIG_DOC_FILE, withReference(readFileSync(CONFIG_DOC_FILE, 'utf8')));
  process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE} and the reference in ${CONFIG_DOC_FILE}\n`);
}
