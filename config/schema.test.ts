import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load-config.js';
import { FeedaggError } from '../src/errors.js';
import { DEFAULT_LIMITS } from '../src/normalize/document-limits.js';

describe('config schema', () => {
  it('fills every default of DESIGN.md from a minimal file', () => {
    const config = parseConfigText('sources: [{ id: a, url: "https://a.example/feed" }]', 'test.yaml', {});
    expect(config.redis).toEqual({ url: null, prefix: '{feedagg}' });
    expect(config.http.port).toBe(8080);
    expect(config.output).toMatchObject({ dir: './public', title: 'Combined feed', link: 'http://localhost:8080/', maxItems: 100, maxAge: null, websubHub: null });
    expect(config.fetch).toMatchObject({
      timeout: 20_000, maxBodySize: 10 * 1024 ** 2, concurrency: 32, perHostConcurrency: 2, perHostInterval: 1000, allowPrivateNetworks: false,
      maxItems: 1000, maxTitleLength: 1000, maxCategories: 100, maxContentSize: 512 * 1024,
    });
    expect(config.schedule).toEqual({ tick: 15_000, defaultInterval: 1_800_000, minInterval: 300_000, maxInterval: 86_400_000, maxFailures: 10, maxRetryAfter: 86_400_000 });
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
