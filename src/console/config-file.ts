/**
 * The console's writes to the config file, the one source of truth (issue 20): one at a
 * time, each read fresh from the file (an operator's own edit in between is kept), changed
 * in that source's lines only (config-text.ts), checked against the schema, written in place,
 * then taken through the normal reload path (the same one SIGHUP and the file watch use),
 * whose end the caller waits for. Nothing is kept in Redis beside the file.
 *
 * Written in place rather than renamed over: a config bind-mounted into a container (a file,
 * not its folder) cannot be replaced by a rename. A file with no write bit at all is treated
 * as read-only even for root, as an operator who ran `chmod a-w` meant it; so is any write the
 * system refuses (EACCES, EPERM, EROFS). Then the console offers the YAML to paste instead.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { parseConfigText } from '../../config/load-config.js';
import { sourceSchema } from '../../config/schema.js';
import { addSourcesToText } from '../opml/add-sources-text.js';
import { ConsoleError } from './console-error.js';
import { removeSourceFromText, sourceIn, updateSourceInText, yamlValue, type SourceChanges } from './config-text.js';
import type { ReloadResult } from '../runtime/config-reload.js';

export type Reload = (trigger: string) => Promise<ReloadResult | undefined>;

/** A source as the console writes it (only keys the console edits). */
export interface WrittenSource {
  id: string;
  url: string;
  title?: string;
  tags?: string[];
  interval?: string;
  enabled?: boolean;
  allowPrivateNetworks?: boolean;
}

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The first schema problem of a source, as INVALID with the field at fault. */
export function checkSource(source: Record<string, unknown>): void {
  const result = sourceSchema.safeParse(source);
  if (result.success) return;
  const issue: z.core.$ZodIssue | undefined = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'source';
  throw new ConsoleError('INVALID', `${field}: ${issue?.message ?? 'invalid'}`, { field });
}

/** A source as the lines of YAML an operator pastes under `sources:`. */
export function sourceYaml(source: Record<string, unknown>): string {
  const entries = Object.entries(source).filter(([, value]) => value !== undefined);
  return entries.map(([key, value], index) => `${index === 0 ? '  - ' : '    '}${key}: ${yamlValue(value as string | boolean | string[])}`).join('\n') + '\n';
}

export class ConfigFile {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string, private readonly reload: Reload, private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** Null when the console can write the file; else why not, in a sentence. */
  async readOnlyReason(): Promise<string | null> {
    try {
      const info = await stat(this.path);
      return (info.mode & 0o222) === 0 ? `the config file ${this.path} is read-only (no write permission)` : null;
    } catch (error) {
      return `the config file ${this.path} cannot be read: ${(error as Error).message}`;
    }
  }

  async text(): Promise<string> {
    return readFile(this.path, 'utf8');
  }

  /** One change at a time, whatever the order the requests came in. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(describe: string, edit: (text: string) => string, paste: () => string): Promise<ReloadResult> {
    return this.serial(async () => {
      const before = await this.text().catch((cause: unknown) => {
        throw new ConsoleError('CONFIG', `cannot read the config file ${this.path}: ${(cause as Error).message}`, { cause });
      });
      const after = edit(before);
      if (after === before) return { applied: true, added: [], removed: [], changed: [], restartNeeded: [] };
      try {
        parseConfigText(after, this.path, this.env);
      } catch (cause) {
        throw new ConsoleError('CONFIG', `the config would not be valid after this change: ${(cause as Error).message}`, { cause });
      }
      const readOnly = await this.readOnlyReason();
      if (readOnly) throw new ConsoleError('CONFIG_READ_ONLY', `${readOnly}: nothing was changed. Make the change yourself: ${describe}`, { yaml: paste() });
      try {
        await writeFile(this.path, after);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code ?? '';
        if (READ_ONLY_CODES.has(code)) throw new ConsoleError('CONFIG_READ_ONLY', `the config file ${this.path} cannot be written (${code}): nothing was changed. Make the change yourself: ${describe}`, { yaml: paste(), cause });
        throw new ConsoleError('CONFIG', `writing the config file failed: ${(cause as Error).message}`, { cause });
      }
      const result = await this.reload(`console: ${describe}`);
      if (!result?.applied) throw new ConsoleError('CONFIG', 'the config file was written, but the reload did not take it: see the log of feedagg start');
      return result;
    });
  }

  async add(source: WrittenSource): Promise<ReloadResult> {
    checkSource({ ...source });
    const paste = sourceYaml({ ...source });
    return this.write(`add source ${source.id}`, (text) => {
      if (sourceIn(text, source.id)) throw new ConsoleError('CONFLICT', `a source with id "${source.id}" exists already`, { field: 'id' });
      const next = addSourcesToText(text, [{ id: source.id, url: source.url, ...(source.title !== undefined ? { title: source.title } : {}), ...(source.tags ? { tags: source.tags } : {}) }]);
      // interval, enabled and allowPrivateNetworks go in as an edit of the new item.
      const rest: SourceChanges = {};
      if (source.interval !== undefined) rest.interval = source.interval;
      if (source.enabled === false) rest.enabled = false;
      if (source.allowPrivateNetworks) rest.allowPrivateNetworks = true;
      return Object.keys(rest).length > 0 ? updateSourceInText(next, source.id, rest) : next;
    }, () => `# add under sources:\n${paste}`);
  }

  async update(id: string, changes: SourceChanges): Promise<ReloadResult> {
    // Only the changed keys: the rest of the source (its headers may hold a token) is not shown.
    const paste = Object.entries(changes).map(([key, value]) => (value === undefined ? `    # delete the line of ${key}` : `    ${key}: ${yamlValue(value)}`)).join('\n');
    return this.write(`change source ${id}`, (text) => {
      const current = sourceIn(text, id);
      if (!current) throw new ConsoleError('NOT_FOUND', `no source "${id}" in the config file`, { field: 'id' });
      // A value given as it already is stays untouched, quoting and all.
      const changed = Object.fromEntries(Object.entries(changes).filter(([key, value]) => !isDeepStrictEqual(current[key], value))) as SourceChanges;
      if (Object.keys(changed).length === 0) return text;
      const wanted: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(changed)) {
        if (value === undefined) delete wanted[key];
        else wanted[key] = value;
      }
      checkSource(wanted);
      const next = updateSourceInText(text, id, changed);
      // The text says what was meant, or nothing is written (a layout the edit misread).
      if (!isDeepStrictEqual(sourceIn(next, id), wanted)) throw new ConsoleError('CONFIG', `editing source "${id}" in place did not give the intended values; edit the file by hand`, { yaml: paste });
      return next;
    }, () => `# in source ${id} under sources:, set\n${paste}\n`);
  }

  async remove(id: string): Promise<ReloadResult> {
    return this.write(`remove source ${id}`, (text) => {
      if (!sourceIn(text, id)) throw new ConsoleError('NOT_FOUND', `no source "${id}" in the config file`, { field: 'id' });
      return removeSourceFromText(text, id);
    }, () => `# delete the lines of source ${id} under sources:\n`);
  }

  /** Many sources at once (OPML import): ids that exist already are left out by the caller. */
  async addMany(sources: WrittenSource[]): Promise<ReloadResult> {
    for (const source of sources) checkSource({ ...source });
    const paste = sources.map((source) => sourceYaml({ ...source })).join('');
    return this.write(`add ${sources.length} sources`, (text) => addSourcesToText(text, sources.map((source) => ({ id: source.id, url: source.url, ...(source.title !== undefined ? { title: source.title } : {}), ...(source.tags ? { tags: source.tags } : {}) }))), () => `# add under sources:\n${paste}`);
  }
}
