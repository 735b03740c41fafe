/**
 * `feedagg parse <file|url>`: read, parse and normalize one document, no Redis; print JSON.
 * `feedagg parse --manifest FILE [--root DIR]`: the same for every JSONL line of FILE
 * (`{"path", "base"?, "contentType"?}`), one JSONL result line per input line, in order.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describeError, FeedaggError } from '../../errors.js';
import { fetchFeed } from '../../fetch/fetch-feed.js';
import { closeHttpClients, createHttpClients } from '../../fetch/http-clients.js';
import { DEFAULT_LIMITS } from '../../normalize/document-limits.js';
import { readFeed } from '../../pipeline/read-feed.js';
import { userAgent } from '../../runtime/version.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

interface Loaded {
  body: Buffer;
  contentType: string | null;
  documentUrl: string | null;
}

async function readLocal(path: string, base: string | undefined, contentType: string | undefined): Promise<Loaded> {
  try {
    // A local file has no web address: relative links stay unresolved unless --base gives one.
    return { body: await readFile(path), contentType: contentType ?? null, documentUrl: base ?? null };
  } catch (cause) {
    throw new FeedaggError('READ', `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

async function load(target: string, base: string | undefined, contentType: string | undefined): Promise<Loaded> {
  if (!/^https?:\/\//i.test(target)) return readLocal(target, base, contentType);
  // The operator names the URL here, so private addresses are allowed.
  const clients = createHttpClients();
  try {
    const fetched = await fetchFeed(target, { timeoutMs: 20_000, maxBodySize: 10 * 1024 ** 2, userAgent: userAgent(), dispatcher: clients.open, guard: null });
    return { body: fetched.body, contentType: contentType ?? fetched.contentType, documentUrl: base ?? fetched.url };
  } finally {
    await closeHttpClients(clients);
  }
}

/**
 * `truncated`: entries the document holds beyond fetch.maxItems, left out (the newest are
 * kept); `warnings`: every limit that bit. Both extend the contract's output compatibly.
 */
async function parseLoaded(loaded: Loaded, now: Date, maxItems: number) {
  const limits = { ...DEFAULT_LIMITS, maxItems };
  const result = await readFeed({ sourceId: 'cli', body: loaded.body, contentType: loaded.contentType, documentUrl: loaded.documentUrl, now, limits });
  return { format: result.format, feed: result.feed, truncated: result.truncated, warnings: result.warnings, articles: result.entries.map((entry) => entry.article) };
}

function maxItemsOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMITS.maxItems;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new FeedaggError('READ', `feedagg parse: --max-items must be a whole number of 1 or more, not ${JSON.stringify(value)}`);
  return number;
}

interface ManifestLine {
  path: string;
  base?: string | null;
  contentType?: string | null;
}

function parseManifestLine(line: string, number: number): ManifestLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new FeedaggError('READ', `manifest line ${number}: not JSON: ${(cause as Error).message}`, { cause });
  }
  const record = value as Record<string, unknown> | null;
  if (typeof record?.path !== 'string') throw new FeedaggError('READ', `manifest line ${number}: "path" must be a string`);
  return { path: record.path, base: typeof record.base === 'string' ? record.base : null, contentType: typeof record.contentType === 'string' ? record.contentType : null };
}

async function runManifest(manifest: string, root: string | undefined, maxItems: number): Promise<number> {
  const text = await readFile(manifest, 'utf8').catch((cause: unknown) => {
    throw new FeedaggError('READ', `cannot read manifest ${manifest}: ${(cause as Error).message}`, { cause });
  });
  const folder = root ?? dirname(manifest);
  const now = new Date();
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const [index, line] of lines.entries()) {
    let output: Record<string, unknown>;
    let entry: ManifestLine;
    try {
      entry = parseManifestLine(line, index + 1);
    } catch (error) {
      // A bad line is one error line, in its place; the run goes on.
      output = { path: null, line: index + 1, error: describeError(error) };
      if (!process.stdout.write(`${JSON.stringify(output)}\n`)) await new Promise((done) => process.stdout.once('drain', done));
      continue;
    }
    try {
      const loaded = await readLocal(resolve(folder, entry.path), entry.base ?? undefined, entry.contentType ?? undefined);
      output = { path: entry.path, ...(await parseLoaded(loaded, now, maxItems)) };
    } catch (error) {
      output = { path: entry.path, error: describeError(error) };
    }
    if (!process.stdout.write(`${JSON.stringify(output)}\n`)) await new Promise((done) => process.stdout.once('drain', done));
  }
  return EXIT.ok;
}

export const parseCommand: Command = {
  name: 'parse',
  usage: [
    'Usage: feedagg parse <file|url> [--base URL] [--content-type CT] [--max-items N]',
    '       feedagg parse --manifest FILE [--root DIR] [--max-items N]',
    '',
    'Prints {format, feed:{title,link,language,authors}, truncated, warnings, articles:[Article]}; exit 1 when the',
    'input cannot be read as a feed. truncated: entries left out past --max-items (fetch.maxItems, default 1000; the',
    'newest are kept).',
    'With --manifest, FILE holds one {"path", "base"?, "contentType"?} per line (paths relative to --root, default',
    "the manifest's folder); output is one JSON line per input line: {path, format, feed, articles} or {path, error:{code, message}}.",
    '--content-type acts as the HTTP header would (its charset counts); --base acts as the document URL.',
  ].join('\n'),
  options: { base: { type: 'string' }, 'content-type': { type: 'string' }, manifest: { type: 'string' }, root: { type: 'string' }, 'max-items': { type: 'string' } },
  allowPositionals: true,
  async run(args) {
    const maxItems = maxItemsOption(stringOption(args, 'max-items'));
    const manifest = stringOption(args, 'manifest');
    if (manifest) return runManifest(manifest, stringOption(args, 'root'), maxItems);
    const target = args.positionals[0];
    if (!target) throw new FeedaggError('READ', `feedagg parse: a file or URL is required\n\n${this.usage}`);
    const loaded = await load(target, stringOption(args, 'base'), stringOption(args, 'content-type'));
    process.stdout.write(`${JSON.stringify(await parseLoaded(loaded, new Date(), maxItems), null, 2)}\n`);
    return EXIT.ok;
  },
};
