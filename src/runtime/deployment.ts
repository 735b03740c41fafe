/**
 * One deployment, one truth. `feedagg start` publishes the deployment's settings to Redis as
 * one versioned document (with the source definitions, see SourceDirectory): sources,
 * outputs, fetch policy, schedule, dedupe, articles. Workers, `refresh`, `sources` and a
 * `run --once` beside a running start use that document; their own file gives only the
 * process settings below. A worker whose file sets deployment keys is told, once, that they
 * are ignored.
 *
 * The document is the file as written (durations as "15m", not milliseconds), with the two
 * values start resolved itself: output.dir (absolute) and output.link (follows its port). A
 * reader validates it with the same schema as a file, so defaults come out the same.
 */
import type { Config } from '../../config/schema.js';
import { rawOf, validatedConfig } from '../../config/load-config.js';

/** Sections that belong to the deployment (whole), and fetch keys that belong to each process. */
export const DEPLOYMENT_SECTIONS = ['output', 'outputs', 'fetch', 'schedule', 'dedupe', 'articles', 'sources'] as const;
export const PROCESS_FETCH_KEYS = ['concurrency', 'parseThreads'] as const;

export const DEPLOYMENT_NAME = 'the deployment feedagg start published';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The deployment's part of a config file as written, with start's resolved dir and link. */
export function deploymentDocument(config: Config): Record<string, unknown> {
  const raw = rawOf(config) ?? {};
  const document: Record<string, unknown> = {};
  for (const section of DEPLOYMENT_SECTIONS) if (raw[section] !== undefined) document[section] = raw[section];
  const fetch = isRecord(raw.fetch) ? { ...raw.fetch } : {};
  for (const key of PROCESS_FETCH_KEYS) delete fetch[key];
  document.fetch = fetch;
  document.output = { ...(isRecord(raw.output) ? raw.output : {}), dir: config.output.dir, link: config.output.link };
  return document;
}

/** Deployment keys a file sets (`sources`, `fetch.timeout`…): a worker ignores them. */
export function deploymentKeysIn(raw: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const section of DEPLOYMENT_SECTIONS) {
    const value = raw[section];
    if (value === undefined || value === null) continue;
    if (section === 'fetch' && isRecord(value)) {
      for (const key of Object.keys(value)) if (!(PROCESS_FETCH_KEYS as readonly string[]).includes(key)) keys.push(`fetch.${key}`);
    } else if (section === 'sources' && Array.isArray(value) && value.length === 0) {
      continue;
    } else {
      keys.push(section);
    }
  }
  return keys;
}

/** This process's config on the deployment's settings: its own redis, http and fetch process keys. */
export function adoptDeployment(own: Config, document: unknown): Config {
  const deployment = validatedConfig(document, DEPLOYMENT_NAME, {});
  return {
    ...deployment,
    redis: own.redis,
    http: own.http,
    fetch: { ...deployment.fetch, concurrency: own.fetch.concurrency, parseThreads: own.fetch.parseThreads },
  };
}

/** How long a `start` counts as running after its last beat (it beats every OWNER_BEAT_MS). */
export const OWNER_TTL_MS = 15_000;
export const OWNER_BEAT_MS = 5_000;

export interface DeploymentOwner {
  pid: number;
  host: string;
  since: string;
}
