/** `npm run schema`: write schemas/config.schema.json from the zod schema (see json-schema.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from './json-schema.js';

export const CONFIG_SCHEMA_FILE = join('schemas', 'config.schema.json');

export function configSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1]?.endsWith('write-json-schema.js')) {
  writeFileSync(CONFIG_SCHEMA_FILE, configSchemaText());
  process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
}
