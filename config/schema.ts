/**
 * The one config schema (DESIGN.md "Config"): validated once at start-up, and the source of
 * the `Config` type every stage receives a slice of. Unknown keys are errors everywhere.
 */
import { z } from 'zod';
import { parseSubnet } from '../src/fetch/address-guard.js';
import { isValidMatcher } from './matcher.js';
import { parseDuration, parseSize } from './units.js';

/**
 * A duration with its unit: `90s`, `15m`, `2h`, `7d`. A plain number is refused: `timeout: 20`
 * could mean seconds or milliseconds, and a config should not make readers guess.
 */
function durationOf(minimum: 'positive' | 'zero') {
  return z.string({ error: (issue) => (typeof issue.input === 'number' ? `a plain number is not a duration: write ${issue.input}s, ${issue.input}m… (a unit is required)` : 'not a duration (use e.g. 90s, 15m, 2h, 7d)') }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null || !Number.isFinite(ms) || ms < 0 || (minimum === 'positive' && ms === 0)) {
      ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(value)} (use e.g. 90s, 15m, 2h, 7d${minimum === 'zero' ? '; 0s turns it off' : ''})` });
      return z.NEVER;
    }
    return ms;
  });
}

const duration = durationOf('positive');
/** Where zero makes sense (`perHostInterval: 0s` turns spacing off). */
const durationOrZero = durationOf('zero');

const size = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseSize(value);
    if (bytes === null || !Number.isFinite(bytes) || bytes <= 0) {
      ctx.addIssue({ code: 'custom', message: `not a size: ${JSON.stringify(value)} (use e.g. 512KB, 10MB)` });
      return z.NEVER;
    }
    return bytes;
  });

/** What ioredis connects to: redis:// or rediss:// with a host. */
export function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL' },
);

const sourceId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-" (no ":")');

/** A keyword, or a /regular expression/ that must compile. */
const matcher = z.string().min(1).refine(isValidMatcher, { message: 'not a valid /regular expression/' });

export const sourceSchema = z.strictObject({
  id: sourceId,
  url: httpUrl,
  title: z.string().optional(),
  /** Poll interval; when absent the scheduler uses `schedule.defaultInterval`. */
  interval: duration.optional(),
  tags: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
  headers: z.record(z.string(), z.string()).default({}),
  allowPrivateNetworks: z.boolean().default(false),
  /** Entries kept: only those matching one of these (none: all); then those matching `exclude` are dropped. */
  include: z.array(matcher).default([]),
  exclude: z.array(matcher).default([]),
});


const outputFeedSchema = z.strictObject({
  /** A folder under output.dir and the URL path: `tech` → /tech/feed.xml, /tech/atom.xml, /tech/feed.json. */
  path: z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be a relative folder like tech or news/world'),
  title: z.string().optional(),
  tags: z.array(z.string()).default([]),
  sources: z.array(z.string()).default([]),
  include: z.array(matcher).default([]),
  exclude: z.array(matcher).default([]),
});

export const configSchema = z
  .strictObject({
    redis: z
      .strictObject({
        /** The private redis-server's data folder (used when no Redis is configured or running); relative to the config file. */
        dataDir: z.string().min(1).default('./data/redis'),
        /** The private redis-server's port (null: 6390 when free, else any free port). */
        port: z.number().int().min(1).max(65535).nullable().default(null),
        url: z.string().refine(isRedisUrl, { message: 'must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379/0)' }).nullable().default(null),
        /** `{name}`: every key in one Redis Cluster hash slot (BullMQ needs its queues in one slot). */
        prefix: z.string().regex(/^(\{[A-Za-z0-9._-]+\}|[A-Za-z0-9._-]+)$/, 'must be letters, digits, ".", "_" or "-", optionally in one pair of braces ({feedagg})').default('{feedagg}'),
      })
      .prefault({}),
    http: z
      .strictObject({
        port: z.number().int().min(0).max(65535).default(8080),
        /** The console's admin token (issue 20); null: the console is read-only. `FEEDAGG_ADMIN_TOKEN` overrides it. */
        adminToken: z.string().min(16, 'must be at least 16 characters (a random one: openssl rand -hex 24)').nullable().default(null),
      })
      .prefault({}),
    output: z
      .strictObject({
        dir: z.string().default('./public'),
        title: z.string().default('Combined feed'),
        link: httpUrl.default('http://localhost:8080/'),
        maxItems: z.number().int().positive().default(100),
        /** Articles published longer ago are left out; null: maxItems alone bounds the window. */
        maxAge: duration.nullable().default(null),
        websubHub: httpUrl.nullable().default(null),
        /** Bytes of one published document; items past it are left out (with a warning). */
        maxBytes: size.prefault('16MB'),
      })
      .prefault({}),
    outputs: z.array(outputFeedSchema).default([]),
    fetch: z
      .strictObject({
        timeout: duration.prefault('20s'),
        maxBodySize: size.prefault('10MB'),
        userAgent: z.string().nullable().default(null),
        allowPrivateNetworks: z.boolean().default(false),
        /** Addresses or subnets the SSRF guard lets through anyway (e.g. an intranet feed server). */
        allowAddresses: z.array(z.string().refine((value) => parseSubnet(value) !== null, { message: 'not an IP address or subnet (e.g. 10.1.2.3 or 10.0.0.0/8)' })).default([]),
        /** Polls one process runs at once: they mostly wait on the network. */
        concurrency: z.number().int().positive().max(1000).default(32),
        perHostConcurrency: z.number().int().positive().default(2),
        perHostInterval: durationOrZero.prefault('1s'),
        /** Entries read per document (the newest are kept); the excess is a warning, not a failure. */
        maxItems: z.number().int().positive().default(1000),
        /** Characters of a title; longer ones are cut. */
        maxTitleLength: z.number().int().positive().default(1000),
        /** Categories kept per entry. */
        maxCategories: z.number().int().positive().default(100),
        /** Bytes of an entry's sanitized HTML content (and plain-text summary); cut at an element boundary. */
        maxContentSize: size.prefault('512KB'),
        /** Threads that read documents (decode, parse, normalize, sanitize, fingerprint); null: one per core. */
        parseThreads: z.number().int().positive().max(64).nullable().default(null),
        /** CPU time one document may take in its thread; past it the thread is stopped and the poll fails PARSE_TIMEOUT. */
        maxParseTime: duration.prefault('10s'),
        /** A permanent redirect (301/308) replaces a source's URL only once seen on this many polls over this span. */
        permanentRedirects: z
          .strictObject({ polls: z.number().int().positive().default(3), span: duration.prefault('24h') })
          .prefault({}),
      })
      .prefault({}),
    schedule: z
      .strictObject({
        tick: duration.prefault('15s'),
        defaultInterval: duration.prefault('30m'),
        minInterval: duration.prefault('5m'),
        maxInterval: duration.prefault('24h'),
        maxFailures: z.number().int().positive().default(10),
        /** Longest Retry-After honoured: one answer cannot hold a host back for longer. */
        maxRetryAfter: duration.prefault('24h'),
        /** Sources per poll job: the tick, run --once and refresh queue due sources in batches. */
        batchSize: z.number().int().positive().max(1000).default(50),
      })
      .prefault({}),
    dedupe: z.strictObject({ retention: duration.prefault('30d'), window: duration.prefault('72h') }).prefault({}),
    articles: z
      .strictObject({
        enabled: z.boolean().default(true),
        keepCompleted: z.number().int().nonnegative().default(10_000),
        keepAge: duration.prefault('7d'),
        /** Warn when this many events wait for a consumer (0: never). */
        warnBacklog: z.number().int().nonnegative().default(10_000),
      })
      .prefault({}),
    sources: z.array(sourceSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.sources.forEach((source, index) => {
      const first = seen.get(source.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'id'],
          message: `duplicate source id "${source.id}" (first used by sources[${first}])`,
        });
      } else {
        seen.set(source.id, index);
      }
    });
    const ids = new Set(config.sources.map((source) => source.id));
    const paths = new Set<string>();
    config.outputs.forEach((output, index) => {
      output.sources.forEach((id, position) => {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['outputs', index, 'sources', position], message: `no source with id "${id}"` });
      });
      if (paths.has(output.path)) ctx.addIssue({ code: 'custom', path: ['outputs', index, 'path'], message: `duplicate output path "${output.path}"` });
      paths.add(output.path);
    });
    if (config.schedule.minInterval > config.schedule.maxInterval) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'minInterval'], message: 'must not exceed schedule.maxInterval' });
    }
  });

/** The validated config, with durations in milliseconds and sizes in bytes. */
export type Config = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type OutputFeedConfig = z.output<typeof outputFeedSchema>;
