/**
 * The downstream contract end to end: `run --once` over the five story sources, every event
 * validated against schemas/article-event.v1.json, read by the example consumer, trimmed by
 * count, counted and warned about while no consumer takes them, and switched off with
 * articles.enabled: false.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startConsumer } from '../examples/consumer.js';
import type { ArticleEvent } from '../src/model/article-event.js';
import { runCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { queuedEvents } from './helpers/article-queue.js';
import { harborTexts, storyFeeds } from './helpers/story-feeds.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schemas', 'article-event.v1.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile<ArticleEvent>(schema);

let server: FixtureServer;
let workspace: Workspace;

beforeAll(async () => {
  server = await new FixtureServer().start();
  const feeds = storyFeeds(harborTexts());
  server.routes.set('/wire.xml', { body: `${feeds.wire.replace('</channel>', '')}`.replace('</rss>', `${feeds.related.slice(feeds.related.indexOf('<item>'))}`), contentType: 'application/rss+xml' });
  server.routes.set('/digest.xml', { body: feeds.digest, contentType: 'application/atom+xml' });
  server.routes.set('/portal.json', { body: feeds.portal, contentType: 'application/feed+json' });
  server.routes.set('/opinion.xml', { body: feeds.commentary, contentType: 'application/rss+xml' });
  server.routes.set('/fixtures.xml', { body: readFileSync(join(import.meta.dirname, 'fixtures', 'feeds', 'rss2.xml')), contentType: 'application/rss+xml' });
  server.routes.set('/fixtures.json', { body: readFileSync(join(import.meta.dirname, 'fixtures', 'feeds', 'feed.json')), contentType: 'application/feed+json' });
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

async function configure(articles: Record<string, unknown> = {}): Promise<void> {
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, maxAge: '3650d' },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    articles,
    sources: [
      { id: 'wire', url: server.url('/wire.xml') },
      { id: 'digest', url: server.url('/digest.xml') },
      { id: 'portal', url: server.url('/portal.json') },
      { id: 'opinion', url: server.url('/opinion.xml') },
      { id: 'harbor', url: server.url('/fixtures.xml') },
      { id: 'river', url: server.url('/fixtures.json') },
    ],
  });
}

const queued = () => queuedEvents(redisUrl, workspace.prefix);

/** Run the example consumer until it has `count` events (or 15 s passed); the events it got. */
async function consume(count: number): Promise<ArticleEvent[]> {
  const received: ArticleEvent[] = [];
  const worker = startConsumer(redisUrl, workspace.prefix, async (event) => {
    received.push(event);
  });
  try {
    const deadline = Date.now() + 15_000;
    while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return received;
  } finally {
    await worker.close();
  }
}

describe('the articles queue', () => {
  it('carries v1 payloads that validate against the JSON Schema, one per version', async () => {
    await configure();
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(0);
    const events = await queued();
    // 3 stories from the five story copies + 5 fixture articles; the merged story reached version 3.
    const created = events.filter((event) => event.name === 'article.created');
    const updated = events.filter((event) => event.name === 'article.updated');
    expect(created).toHaveLength(8);
    expect(updated).toHaveLength(2);
    for (const event of events) {
      const valid = validate(event.data);
      expect(validate.errors ?? [], JSON.stringify(event.data).slice(0, 300)).toEqual([]);
      expect(valid).toBe(true);
      expect(event.id).toBe(`${event.data.article.id}-v${event.data.version}`);
      expect(event.name).toBe(event.data.type);
    }
    const latest = events.find((event) => event.data.version === 3);
    expect(latest?.data.article.sources.map((source) => source.sourceId).sort()).toEqual(['digest', 'portal', 'wire']);
    // A second run delivers nothing new.
    await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(await queued()).toHaveLength(10);
  });

  it('the example consumer reads every event; completed jobs are trimmed to articles.keepCompleted', async () => {
    await configure({ keepCompleted: 3 });
    await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(await consume(10)).toHaveLength(10);
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.zcard(`${workspace.prefix}:articles:completed`)).toBeLessThanOrEqual(3);
    } finally {
      redis.disconnect();
    }
  });

  it('articles.enabled: false turns the queue off and leaves no outbox behind', async () => {
    await configure({ enabled: false });
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(0);
    expect(await queued()).toHaveLength(0);
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.scard(`${workspace.prefix}:store:outbox`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('counts the events waiting for a consumer in `sources`, and warns past articles.warnBacklog', async () => {
    await configure({ warnBacklog: 5 });
    const result = await runCli(['run', '--once', '--config', workspace.configPath]);
    expect(result.code).toBe(0);
    const warning = result.stderr.split('\n').find((line) => line.includes('wait for a consumer'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, waiting: 10, outbox: 0, threshold: 5 });
    expect(warning).toContain('articles.enabled: false');
    const before = await runCli(['sources', '--config', workspace.configPath]);
    expect(before.stdout).toMatch(/article events waiting for a consumer: 10 \(over articles\.warnBacklog/);

    await consume(10);
    const after = await runCli(['sources', '--config', workspace.configPath]);
    expect(after.stdout).toMatch(/article events waiting for a consumer: 0\n$/);
  });
});
