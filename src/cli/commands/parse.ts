/** `feedagg parse <file|url>`: read, parse and normalize one document, no Redis; print JSON. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FeedaggError } from '../../errors.js';
import { fetchFeed } from '../../fetch/fetch-feed.js';
import { closeHttpClients, createHttpClients } from '../../fetch/http-clients.js';
import { readFeed } from '../../pipeline/read-feed.js';
import { userAgent } from '../../runtime/version.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

interface Loaded {
  body: Buffer;
  contentType: string | null;
  documentUrl: string | null;
}

async function load(target: string, base: string | undefined, contentType: string | undefined): Promise<Loaded> {
  if (/^https?:\/\//i.test(target)) {
    // The operator names the URL here, so private addresses are allowed.
    const clients = createHttpClients();
    try {
      const fetched = await fetchFeed(target, { timeoutMs: 20_000, maxBodySize: 10 * 1024 ** 2, userAgent: userAgent(), dispatcher: clients.open, blockList: null });
      return { body: fetched.body, contentType: contentType ?? fetched.contentType, documentUrl: base ?? fetched.url };
    } finally {
      await closeHttpClients(clients);
    }
  }
  try {
    return { body: await readFile(target), contentType: contentType ?? null, documentUrl: base ?? pathToFileURL(resolve(target)).toString() };
  } catch (cause) {
    throw new FeedaggError('READ', `cannot read ${target}: ${(cause as Error).message}`, { cause });
  }
}

export const parseCommand: Command = {
  name: 'parse',
  summary: 'parse and normalize one feed file or URL (no Redis) and print JSON',
  usage: 'Usage: feedagg parse <file|url> [--base URL] [--content-type CT]\n\nPrints {format, feed:{title,link,language}, articles:[Article]}; exit 1 when the input cannot be read as a feed.',
  options: { base: { type: 'string' }, 'content-type': { type: 'string' } },
  allowPositionals: true,
  async run(args) {
    const target = args.positionals[0];
    if (!target) throw new FeedaggError('READ', `feedagg parse: a file or URL is required\n\n${this.usage}`);
    const loaded = await load(target, stringOption(args, 'base'), stringOption(args, 'content-type'));
    const result = await readFeed({ sourceId: 'cli', body: loaded.body, contentType: loaded.contentType, documentUrl: loaded.documentUrl, now: new Date() });
    const output = { format: result.format, feed: result.feed, articles: result.entries.map((entry) => entry.article) };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return EXIT.ok;
  },
};
