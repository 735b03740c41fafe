/**
 * Reads, parses and validates the config file once, at start-up, from the entry point.
 * Every error names the field and, under `sources`, the source id.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { knownKeys, nearestKey } from './json-schema.js';
import { parseYaml, parseYamlInline } from './parse-yaml.js';
import { configSchema, isRedisUrl, type Config } from './schema.js';
import { FeedaggError } from '../src/errors.js';

/** The object each validated config was read from (runtime/deployment.ts publishes it as written). */
const rawByConfig = new WeakMap<Config, Record<string, unknown>>();

export function rawOf(config: Config): Record<string, unknown> | undefined {
  return rawByConfig.get(config);
}

/** `config`, read from `raw` (a config derived from another keeps a matching raw object). */
export function remember(config: Config, raw: unknown): Config {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) rawByConfig.set(config, raw as Record<string, unknown>);
  return config;
}

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
  // A large file is parsed off the main thread: a reload must not stall a serving start.
  return relativeToConfig(validatedConfig(await parseYaml(text, path), path, env), dirname(resolve(path)));
}

/** Paths in a config file are relative to the file's folder, whatever the current directory. */
export function relativeToConfig(config: Config, folder: string): Config {
  return remember({
    ...config,
    output: { ...config.output, dir: resolve(folder, config.output.dir) },
    redis: { ...config.redis, dataDir: resolve(folder, config.redis.dataDir) },
  }, rawOf(config));
}

/** Parse YAML text and validate it; env REDIS_URL, PORT and FEEDAGG_ADMIN_TOKEN override the file (DESIGN.md). */
export function parseConfigText(text: string, path: string, env: NodeJS.ProcessEnv = process.env): Config {
  return validatedConfig(parseYamlInline(text, path), path, env);
}

/** Validate a config object (a file's, or the deployment's as `start` published it). */
export function validatedConfig(raw: unknown, path: string, env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    // Every error in one pass: the schema checks duplicate ids only once the rest is valid.
    const issues = result.error.issues.map((issue) => describeIssue(issue, raw));
    for (const duplicate of duplicateIds(raw)) if (!issues.includes(duplicate)) issues.push(duplicate);
    throw new FeedaggError('CONFIG', `${path}: invalid config\n${issues.map((line) => `  - ${line}`).join('\n')}`, { issues });
  }
  const output = typeof raw === 'object' && raw !== null ? (raw as { output?: unknown }).output : undefined;
  const linkGiven = typeof output === 'object' && output !== null && 'link' in output;
  return remember(applyEnv(result.data, env, linkGiven), raw);
}

/** `linkGiven`: the file sets output.link; otherwise the self links follow the port (PORT included). */
function applyEnv(config: Config, env: NodeJS.ProcessEnv, linkGiven = true): Config {
  const redisUrl = env.REDIS_URL?.trim();
  const port = env.PORT?.trim();
  if (redisUrl && !isRedisUrl(redisUrl)) throw new FeedaggError('CONFIG', `env REDIS_URL: ${JSON.stringify(redisUrl)} is not a redis:// or rediss:// URL`);
  let httpPort = config.http.port;
  if (port) {
    const parsed = Number(port);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      throw new FeedaggError('CONFIG', `env PORT: not a port number: ${JSON.stringify(port)}`);
    }
    httpPort = parsed;
  }
  const adminToken = env.FEEDAGG_ADMIN_TOKEN?.trim() || config.http.adminToken;
  if (adminToken !== null && adminToken.length < 16) throw new FeedaggError('CONFIG', 'env FEEDAGG_ADMIN_TOKEN: must be at least 16 characters (a random one: openssl rand -hex 24)');
  // With PORT=7200 the feeds' self links said localhost:8080: the default link follows the port.
  const link = !linkGiven && httpPort !== 0 ? `http://localhost:${httpPort}/` : config.output.link;
  return {
    ...config,
    redis: { ...config.redis, url: redisUrl ? redisUrl : config.redis.url },
    http: { ...config.http, port: httpPort, adminToken },
    output: { ...config.output, link },
  };
}

/** `sources[1].url (source "blog"): must be an absolute http(s) URL` */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '');
  const sourceIndex = issue.path[0] === 'sources' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
  const sourceNote = sourceIndex === null ? '' : ` (source ${describeSource(raw, sourceIndex)})`;
  const message = issue.code === 'unrecognized_keys' ? unknownKeys(issue.keys, issue.path) : issue.message;
  return `${path || '(top level)'}${sourceNote}: ${message}`;
}

/** `unknown key "htpp" (did you mean "http"?)` */
function unknownKeys(keys: string[], path: PropertyKey[]): string {
  const known = knownKeys(path);
  const described = keys.map((key) => {
    const near = nearestKey(key, known);
    return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
  });
  return `unknown key${keys.length > 1 ? 's' : ''} ${described.join(', ')}`;
}

/** Duplicate source ids in the raw file, described as the schema does. */
function duplicateIds(raw: unknown): string[] {
  const sources = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).sources : undefined;
  if (!Array.isArray(sources)) return [];
  const first = new Map<string, number>();
  const out: string[] = [];
  sources.forEach((entry: unknown, index) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).id : undefined;
    if (typeof id !== 'string') return;
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, index);
    else out.push(`sources[${index}].id (source "${id}"): duplicate source id "${id}" (first used by sources[${earlier}])`);
  });
  return out;
}

function describeSource(raw: unknown, index: number): string {
  const sources = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).sources : undefined;
  const entry = Array.isArray(sources) ? (sources[index] as unknown) : undefined;
  const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? `"${id}"` : `#${index + 1} (no id)`;
}
