import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as loadYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configKeys } from './json-schema.js';
import { CONFIG_DOC_FILE, CONFIG_SCHEMA_FILE, configSchemaText } from './write-json-schema.js';
import { withReference } from './config-reference.js';
import { KEY_MEANINGS } from './key-meanings.js';
import { parseConfigText, relativeToConfig } from './load-config.js';
import { FeedaggError } from '../src/errors.js';
import { DEFAULT_LIMITS } from '../src/normalize/document-limits.js';

describe('config schema', () => {
  it('fills every default of DESIGN.md from a minimal file', () => {
    const config = parseConfigText('sources: [{ id: a, url: "https://a.example/feed" }]', 'test.yaml', {});
    expect(config.redis).toEqual({ url: null, prefix: '{feedagg}', dataDir: './data/redis', port: null });
    expect(config.http.port).toBe(8080);
    expect(config.output).toMatchObject({ dir: './public', title: 'Combined feed', link: 'http://localhost:8080/', maxItems: 100, maxAge: null, websubHub: null });
    expect(config.fetch).toMatchObject({
      timeout: 20_000, maxBodySize: 10 * 1024 ** 2, concurrency: 32, perHostConcurrency: 2, perHostInterval: 1000, allowPrivateNetworks: false,
      maxItems: 1000, maxTitleLength: 1000, maxCategories: 100, maxContentSize: 512 * 1024,
    });
    expect(config.schedule).toEqual({ tick: 15_000, defaultInterval: 1_800_000, minInterval: 300_000, maxInterval: 86_400_000, maxFailures: 10, maxRetryAfter: 86_400_000, batchSize: 50 });
    expect(config.dedupe).toEqual({ retention: 30 * 86_400_000, window: 72 * 3_600_000 });
    expect(config.articles).toEqual({ enabled: true, keepCompleted: 10_000, keepAge: 7 * 86_400_000, warnBacklog: 10_000 });
    expect(config.sources[0]).toMatchObject({ id: 'a', enabled: true, tags: [], headers: {}, allowPrivateNetworks: false });
  });

  it('declares the document limits the parser uses by default', () => {
    const { fetch } = parseConfigText('{}', 'test.yaml', {});
    expect({ maxItems: fetch.maxItems, maxTitleLength: fetch.maxTitleLength, maxCategories: fetch.maxCategories, maxContentSize: fetch.maxContentSize }).toEqual(DEFAULT_LIMITS);
  });

  it('lets REDIS_URL and PORT override the file', () => {
    const config = parseConfigText('redis: { url: "redis://file:1" }\nhttp: { port: 1 }', 'test.yaml', { REDIS_URL: 'redis://env:2', PORT: '9090' });
    expect(config.redis.url).toBe('redis://env:2');
    expect(config.http.port).toBe(9090);
  });

  it('self links follow the port when output.link is not set (issue 16: PORT=7200 still said localhost:8080)', () => {
    expect(parseConfigText('http: { port: 7100 }', 'test.yaml', { PORT: '7200' }).output.link).toBe('http://localhost:7200/');
    expect(parseConfigText('http: { port: 7100 }', 'test.yaml', {}).output.link).toBe('http://localhost:7100/');
    expect(parseConfigText('output: { link: "https://feeds.example/" }', 'test.yaml', { PORT: '7200' }).output.link).toBe('https://feeds.example/');
    expect(parseConfigText('{}', 'test.yaml', {}).output.link).toBe('http://localhost:8080/');
  });

  it('collects every problem in one error with code CONFIG', () => {
    try {
      parseConfigText('schedule: { tick: "x" }\nsources: [{ id: "a:b", url: "ftp://x" }]', 'test.yaml', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FeedaggError);
      expect((error as FeedaggError).code).toBe('CONFIG');
      const issues = (error as FeedaggError).issues ?? [];
      expect(issues).toHaveLength(3);
    }
  });
});

describe('config validation helps (issue 12)', () => {
  const errors = (text: string, env: NodeJS.ProcessEnv = {}): string => {
    try {
      parseConfigText(text, 'test.yaml', env);
    } catch (error) {
      return (error as FeedaggError).message;
    }
    return '';
  };

  it('reports every error in one pass, duplicate ids included, with the nearest key for a typo', () => {
    const message = errors('htpp: { port: 1 }\nsources:\n  - { id: a, url: "http://a.example/" }\n  - { id: a, url: "nope", intervall: 5m }\n');
    expect(message).toMatch(/unknown key "htpp" \(did you mean "http"\?\)/);
    expect(message).toMatch(/sources\[1\]\.url \(source "a"\): must be an absolute http\(s\) URL/);
    expect(message).toMatch(/unknown key "intervall" \(did you mean "interval"\?\)/);
    expect(message).toMatch(/duplicate source id "a" \(first used by sources\[0\]\)/);
    expect(errors('zzzzzz: 1')).toMatch(/unknown key "zzzzzz"$/m);
  });

  it('checks redis.url and REDIS_URL; refuses plain numbers as durations; takes 0s where zero makes sense', () => {
    expect(errors('redis: { url: "not a url" }')).toMatch(/redis\.url: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(errors('{}', { REDIS_URL: 'localhost' })).toMatch(/env REDIS_URL: "localhost" is not a redis/);
    expect(errors('fetch: { timeout: 20 }')).toMatch(/fetch\.timeout: a plain number is not a duration: write 20s/);
    expect(parseConfigText('fetch: { perHostInterval: 0s }', 'test.yaml', {}).fetch.perHostInterval).toBe(0);
    expect(errors('fetch: { timeout: 0s }')).toMatch(/fetch\.timeout: not a duration: "0s"/);
  });

  it('schemas/config.schema.json is generated from the zod schema and up to date (npm run schema)', () => {
    expect(readFileSync(join(import.meta.dirname, '..', CONFIG_SCHEMA_FILE), 'utf8')).toBe(configSchemaText());
  });

  it('the reference in docs/configuration.md is generated and up to date, every key with its meaning (npm run schema)', () => {
    const document = readFileSync(join(import.meta.dirname, '..', CONFIG_DOC_FILE), 'utf8');
    expect(document).toBe(withReference(document));
    const paths = configKeys().map((key) => key.path);
    expect(paths.filter((path) => !KEY_MEANINGS[path]), 'keys without a meaning in config/key-meanings.ts').toEqual([]);
    expect(Object.keys(KEY_MEANINGS).filter((path) => !paths.includes(path)), 'meanings of keys the schema lacks').toEqual([]);
  });

  it('the sample config names the schema for editors, and validates against it', () => {
    const sample = readFileSync(join(import.meta.dirname, 'feedagg.yaml'), 'utf8');
    expect(sample.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/config.schema.json');
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(configJsonSchema());
    expect(validate(loadYaml(sample)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(loadYaml('fetch: { timeout: 20s }\nhttpp: {}'))).toBe(false);
  });
});

describe('paths in the config (issue 12)', () => {
  it('are relative to the config file\'s folder, not the current directory', () => {
    const config = relativeToConfig(parseConfigText('output: { dir: public }\nredis: { dataDir: ../data/redis }', '/srv/feedagg/config/feedagg.yaml', {}), '/srv/feedagg/config');
    expect(config.output.dir).toBe('/srv/feedagg/config/public');
    expect(config.redis.dataDir).toBe('/srv/feedagg/data/redis');
    expect(relativeToConfig(parseConfigText('output: { dir: /var/www/feeds }', 'x.yaml', {}), '/etc').output.dir).toBe('/var/www/feeds');
  });
});

