import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FeedaggError } from '../errors.js';

export interface Command {
  name: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: command.allowPositionals ?? false, strict: true });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (cause) {
    throw new FeedaggError('CONFIG', `feedagg ${command.name}: ${(cause as Error).message}\n\n${command.usage}`, { cause });
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
