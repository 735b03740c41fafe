/**
 * `feedagg opml import FILE [--write]` and `feedagg opml export`: sources from and to OPML,
 * the format every feed reader exchanges. Import prints what it would add; `--write` adds it
 * to the YAML config as text at the end of its sources list (opml/add-sources-text.ts), so the file keeps its comments
 * and order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig, parseConfigText, resolveConfigPath } from '../../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import { exportOpml, readOpml } from '../../opml/opml.js';
import { planImport } from '../../opml/import-plan.js';
import { addSourcesToText } from '../../opml/add-sources-text.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

async function importOpml(file: string, configPath: string, write: boolean): Promise<number> {
  const config = await loadConfig(configPath);
  const feeds = await readOpml(await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new FeedaggError('CONFIG', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }), file);
  const { added, skipped: left } = planImport(feeds, config.sources);
  const skipped = left.map((item) => `${item.url} (${item.reason})`);
  for (const source of added) process.stdout.write(`+ ${source.id.padEnd(24)} ${redactUrl(source.url)}${source.tags ? `  [${source.tags.join(', ')}]` : ''}\n`);
  for (const line of skipped) process.stdout.write(`= skipped ${line}\n`);
  process.stdout.write(`${added.length} to add, ${skipped.length} skipped${write ? '' : ' (dry run: --write adds them to the config)'}\n`);
  if (added.length === 0) return EXIT.ok;
  const text = await readFile(configPath, 'utf8');
  const next = addSourcesToText(text, added);
  // The result must still be a valid config before it replaces the file; a dry run checks it too.
  parseConfigText(next, configPath);
  if (!write) return EXIT.ok;
  await writeFile(configPath, next);
  process.stdout.write(`wrote ${added.length} sources to ${configPath}\n`);
  return EXIT.ok;
}

export const opmlCommand: Command = {
  name: 'opml',
  usage: 'Usage: feedagg opml import FILE [--write] [--config PATH]\n       feedagg opml export [--with-secrets] [--config PATH]\n\nimport prints the sources an OPML file would add (ids from titles, folders as tags, known URLs skipped);\n--write adds them to the config file, keeping its comments and order.\nexport prints the sources as OPML 2.0 (the same document as /opml.xml): source URLs without userinfo and with\nsecret query parameters REDACTED, unless --with-secrets (for moving to another reader).',
  options: { write: { type: 'boolean' }, 'with-secrets': { type: 'boolean' } },
  allowPositionals: true,
  async run(args) {
    const [action, file] = args.positionals;
    const configPath = resolveConfigPath(stringOption(args, 'config'));
    if (action === 'export') {
      const config = await loadConfig(configPath);
      process.stdout.write(exportOpml(config.sources, config.output.title, new Date(), { withSecrets: args.values['with-secrets'] === true }));
      return EXIT.ok;
    }
    if (action === 'import' && file) return importOpml(file, configPath, args.values.write === true);
    throw new FeedaggError('CONFIG', `feedagg opml: expected "import FILE" or "export"\n\n${this.usage}`);
  },
};
