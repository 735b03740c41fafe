#!/usr/bin/env node
/** The `feedagg` command: dispatch, help, and the mapping of errors to exit codes. */
import { FeedaggError } from '../errors.js';
import { version } from '../runtime/version.js';
import { parseCommandArgs, type Command } from './command.js';
import { parseCommand } from './commands/parse.js';
import { runCommand } from './commands/run-once.js';
import { refreshCommand, sourcesCommand } from './commands/sources.js';
import { startCommand, workerCommand } from './commands/start.js';
import { validateCommand } from './commands/validate.js';
import { EXIT } from './exit-codes.js';

const COMMANDS: Command[] = [startCommand, workerCommand, runCommand, sourcesCommand, refreshCommand, validateCommand, parseCommand];

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
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`feedagg: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
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
