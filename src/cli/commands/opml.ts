/**
 * `feedagg opml import FILE [--write]` and `feedagg opml export`: sources from and to OPML,
 * the format every feed reader exchanges. Import prints what it would add; `--write` adds it
 * to the YAML config as text at the end of its sources list (opml/add-sources-text.ts), so the file keeps its comments
 * and order.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig, parseConfigText, resolveConfigPath } from '../../../config/load-config.js';
import { sourceSchema } from '../../../config/schema.js';
import { FeedaggError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import { exportOpml, readOpml, sourceIdFor, type OpmlFeed } from '../../opml/opml.js';
import { addSourcesToText } from '../../opml/add-sources-text.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

interface NewSource {
  id: string;
  url: string;
  title?: string;
  tags?: string[];
}

/** A feed listed in several folders is one source with every folder as a tag (readers file one feed in many). */
function mergeByUrl(feeds: OpmlFeed[]): OpmlFeed[] {
  const byUrl = new Map<string, OpmlFeed>();
  for (const feed of feeds) {
    const seen = byUrl.get(feed.url);
    if (seen) seen.tags = [...new Set([...seen.tags, ...feed.tags])];
    else byUrl.set(feed.url, { ...feed, tags: [...feed.tags] });
  }
  return [...byUrl.values()];
}

async function importOpml(file: string, configPath: string, write: boolean): Promise<number> {
  const config = await loadConfig(configPath);
  const feeds = mergeByUrl(await readOpml(await readFile(file, 'utf8').catch((cause: unknown) => {
    throw new FeedaggError('CONFIG', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }), file));
  const urls = new Set(config.sources.map((source) => source.url));
  const ids = new Set(config.sources.map((source) => source.id));
  const added: NewSource[] = [];
  const skipped: string[] = [];
  for (const feed of feeds) {
    let url: string;
    try {
      url = new URL(feed.url).toString();
    } catch {
      skipped.push(`${feed.url} (not a URL)`);
      continue;
    }
    if (urls.has(feed.url) || urls.has(url)) {
      skipped.push(`${feed.url} (already a source)`);
      continue;
    }
    const candidate: NewSource = { id: sourceIdFor(feed.title, url, ids), url: feed.url, ...(feed.title ? { title: feed.title } : {}), ...(feed.tags.length > 0 ? { tags: feed.tags } : {}) };
    // The dry run refuses what --write would refuse: every source passes the config's own schema.
    const checked = sourceSchema.safeParse(candidate);
    if (!checked.success) {
      ids.delete(candidate.id);
      skipped.push(`${redactUrl(feed.url).slice(0, 200)} (${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')})`);
      continue;
    }
    urls.add(feed.url);
    urls.add(url);
    added.push(candidate);
  }
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
