/**
 * Reads, parses and validates the config file once, at start-up, from the entry point.
 * Every error names the field and, under `sources`, the source id.
 */
import { readFile } from 'node:fs/promises';
// js-yaml reads a config of 10,000 sources in about 0.1 s; `yaml` took 1.5 s, at every start.
// (`yaml` stays for what needs its document model: editing a config with its comments.)
import { load as loadYaml, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { configSchema, type Config } from '../../config/schema.js';
import { FeedaggError } from '../errors.js';

export const DEFAULT_CONFIG_PATH = 'config/feedagg.yaml';

/** Where the config lives: `--config`, else FEEDAGG_CONFIG, else the default path. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.FEEDAGG_CONFIG ?? DEFAULT_CONFIG_PATH;
}

export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FeedaggError('CONFIG', `cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  return parseConfigText(text, path, env);
}

/** Parse YAML text and validate it; env REDIS_URL and PORT override the file (DESIGN.md). */
export function parseConfigText(text: string, path: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = loadYaml(text) ?? {};
  } catch (cause) {
    const where = cause instanceof YAMLException ? ` at line ${cause.mark.line + 1}` : '';
    const reason = cause instanceof YAMLException ? cause.reason : (cause as Error).message;
    throw new FeedaggError('CONFIG', `${path}: invalid YAML${where}: ${reason}`, { cause });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, raw)}`);
    throw new FeedaggError('CONFIG', `${path}: invalid config\n${lines.join('\n')}`, {
      issues: result.error.issues.map((issue) => describeIssue(issue, raw)),
    });
  }
  return applyEnv(result.data, env);
}

function applyEnv(config: Config, env: NodeJS.ProcessEnv): Config {
  const redisUrl = env.REDIS_URL?.trim();
  const port = env.PORT?.trim();
  let httpPort = config.http.port;
  if (port) {
    const parsed = Number(port);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      throw new FeedaggError('CONFIG', `env PORT: not a port number: ${JSON.stringify(port)}`);
    }
    httpPort = parsed;
  }
  return {
    ...config,
    redis: { ...config.redis, url: redisUrl ? redisUrl : config.redis.url },
    http: { ...config.http, port: httpPort },
  };
}

/** `sources[1].url (source "blog"): must be an absolute http(s) URL` */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
  const sourceIndex = issue.path[0] === 'sources' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
  const sourceNote = sourceIndex === null ? '' : ` (source ${describeSource(raw, sourceIndex)})`;
  const message = issue.code === 'unrecognized_keys'
    ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
    : issue.message;
  return `${path || '(top level)'}${sourceNote}: ${message}`;
}

function describeSource(raw: unknown, index: number): string {
  const sources = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).sources : undefined;
  const entry = Array.isArray(sources) ? (sources[index] as unknown) : undefined;
  const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? `"${id}"` : `#${index + 1} (no id)`;
}
