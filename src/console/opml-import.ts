/** The console's OPML import: the same plan as `feedagg opml import` (its dry run first), written through ConfigFile. */
import { readOpml } from '../opml/opml.js';
import { planImport, type OpmlPlan } from '../opml/import-plan.js';
import type { SourceConfig } from '../../config/schema.js';
import { ConsoleError } from './console-error.js';

export type { OpmlPlan };

/** The largest OPML text the console takes (a reader's export of a few thousand feeds). */
export const MAX_OPML_CHARS = 2 * 1024 * 1024;

export async function opmlPlan(text: unknown, existing: SourceConfig[]): Promise<OpmlPlan> {
  if (typeof text !== 'string' || text.trim() === '') throw new ConsoleError('INVALID', 'opml: paste the OPML file', { field: 'opml' });
  if (text.length > MAX_OPML_CHARS) throw new ConsoleError('TOO_LARGE', `opml: larger than ${MAX_OPML_CHARS / 1024 / 1024} MB`, { field: 'opml' });
  try {
    return planImport(await readOpml(text, 'the pasted OPML'), existing);
  } catch (cause) {
    throw new ConsoleError('INVALID', `opml: ${(cause as Error).message}`, { field: 'opml', cause });
  }
}
