/**
 * Structured logs on stderr (stdout is kept for command output such as `parse` JSON): JSON
 * lines for machines, human-readable lines (pino-pretty) when stderr is a terminal or
 * LOG_FORMAT=pretty. LOG_FORMAT=json forces JSON on a terminal.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { FeedaggError } from '../errors.js';
import { redactText } from '../redact.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LOG_LEVEL and LOG_FORMAT, checked: a typo is a clear error, not a crash deep in pino. */
export function logSettings(env: NodeJS.ProcessEnv = process.env, fallbackLevel = 'info'): { level: string; pretty: boolean } {
  const level = (env.LOG_LEVEL ?? fallbackLevel).trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new FeedaggError('CONFIG', `env LOG_LEVEL: ${JSON.stringify(env.LOG_LEVEL)} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (format !== undefined && format !== '' && format !== 'json' && format !== 'pretty') {
    throw new FeedaggError('CONFIG', `env LOG_FORMAT: ${JSON.stringify(env.LOG_FORMAT)} is not json or pretty`);
  }
  return { level, pretty: format === 'pretty' || (format !== 'json' && process.stderr.isTTY === true) };
}

/** Strings of a log object (one level deep: `err`, `url`, `warnings`…) with their URLs redacted. */
export function redactFields(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object)) out[name] = redactValue(value, 1);
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value instanceof Error) return redactText(value.message);
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, redactValue(inner, depth + 1)]));
}

/** The message strings of a log call, redacted (DESIGN.md "Secrets": nothing logged carries one). */
function redactMessage(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void): void {
  method.apply(this, (args as unknown[]).map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)));
}

export function createLogger(level?: string): Logger {
  const settings = logSettings(level === undefined ? process.env : { ...process.env, LOG_LEVEL: level });
  const options = { level: settings.level, base: { service: 'feedagg' }, formatters: { log: redactFields }, hooks: { logMethod: redactMessage } };
  if (settings.pretty) {
    // Synchronous, in this thread: lines never interleave with run --once's progress lines.
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => NodeJS.WritableStream;
    return pino(options, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, singleLine: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss' }) as pino.DestinationStream);
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}
