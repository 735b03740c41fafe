#!/usr/bin/env node
/** The `feedagg` command: dispatch, help, and the mapping of errors to exit codes. */
import { FeedaggError } from '../errors.js';
import { version } from '../runtime/version.js';
import { parseCommandArgs, type Command } from './command.js';
import { EXIT } from './exit-codes.js';

interface CommandEntry {
  name: string;
  summary: string;
  /** Loaded only when run: a command pays for the modules it uses, not for every command's. */
  load(): Promise<Command>;
}

const COMMANDS: CommandEntry[] = [
  { name: 'start', summary: 'run the scheduler, the workers and the HTTP server until SIGTERM/SIGINT', load: async () => (await import('./commands/start.js')).startCommand },
  { name: 'worker', summary: 'run the workers only (scale out on more machines sharing one Redis)', load: async () => (await import('./commands/start.js')).workerCommand },
  { name: 'run', summary: 'poll every enabled source once, publish, print a per-source summary, exit', load: async () => (await import('./commands/run-once.js')).runCommand },
  { name: 'sources', summary: 'show every source: state, last poll, errors, next poll (--json for machines)', load: async () => (await import('./commands/sources.js')).sourcesCommand },
  { name: 'refresh', summary: 'poll one source now; re-enables a gone or failing source', load: async () => (await import('./commands/sources.js')).refreshCommand },
  { name: 'redis-url', summary: 'print the Redis URL feedagg uses with this config (for consumers), without starting one', load: async () => (await import('./commands/redis-url.js')).redisUrlCommand },
  { name: 'validate', summary: 'check the config file; every error names the source id and the field', load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'opml', summary: 'import sources from an OPML file (--write adds them to the config), or export them as OPML', load: async () => (await import('./commands/opml.js')).opmlCommand },
  { name: 'parse', summary: 'parse and normalize a feed file or URL (or a JSONL manifest of files) without Redis; print JSON', load: async () => (await import('./commands/parse.js')).parseCommand },
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `feedagg ${version()}: aggregate RSS, Atom and JSON feeds into one feed and a downstream queue`,
    '',
    'Usage: feedagg <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command:',
    '  -c, --config PATH  config file (default config/feedagg.yaml, env FEEDAGG_CONFIG)',
    '  -h, --help         help for the command',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) {
    process.stderr.write(`feedagg: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  const args = parseCommandArgs(command, rest);
  if (args.values.help) {
    process.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  return command.run(args);
}

/** Exit once stdout is flushed: idle keep-alive sockets must not hold a finished command open. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  if (error instanceof FeedaggError) {
    process.stderr.write(`feedagg: ${error.code}: ${error.message}\n`);
  } else {
    process.stderr.write(`feedagg: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  exit(EXIT.fatal);
});
