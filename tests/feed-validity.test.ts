/**
 * The published feeds are valid and read correctly by a real reader: `run --once` over fixture
 * feeds with HTML titles, enclosures, categories, several authors, no author, non-ASCII text
 * and hostile HTML, then
 * - atom.xml against the RFC 4287 RELAX NG schema (xmllint --relaxng),
 * - feed.xml and atom.xml well-formed (xmllint) and read by python3-feedparser without error,
 * - feed.json against the JSON Feed 1.1 JSON Schema (from ../shared/corpora when present).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { feedparser, PYTHON, XMLLINT, xmllint } from './helpers/validators.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';
import { needs } from './helpers/needs.js';

const redisUrl = inject('redisUrl');
const ATOM_RNG = join(import.meta.dirname, 'fixtures', 'schemas', 'atom.rng');
const JSONFEED_SCHEMA = join(import.meta.dirname, '..', '..', 'shared', 'corpora', 'jsonfeed', 'schema', 'schema-v1.1.json');
const ITEMS = 7; // hostile.xml 2 + rss2.xml 3 + atom.xml 2
let server: FixtureServer;
let workspace: Workspace;
const path = (name: string) => join(workspace.outputDir, name);

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveFixture('/hostile.xml', 'hostile.xml', 'application/rss+xml');
  server.serveFixture('/rss.xml', 'rss2.xml', 'application/rss+xml');
  server.serveFixture('/atom.xml', 'atom.xml', 'application/atom+xml');
  workspace = await createWorkspace();
  await workspace.writeConfig({
    redis: { url: redisUrl, prefix: workspace.prefix },
    output: { dir: workspace.outputDir, title: 'Combined & “valid”', link: 'http://feeds.test/', maxAge: '3650d', websubHub: null },
    fetch: { allowPrivateNetworks: true, perHostInterval: '10ms' },
    sources: [
      { id: 'edge', title: 'Edge & Cases', url: server.url('/hostile.xml') },
      { id: 'harbor', title: 'Harbor Gazette', url: server.url('/rss.xml') },
      { id: 'mountain', title: 'Mountain Notes', url: server.url('/atom.xml') },
    ],
  });
  const result = await runCli(['run', '--once', '--config', workspace.configPath]);
  expect(result.code, result.stderr).toBe(0);
});
afterAll(async () => {
  await server.stop();
  await workspace.cleanup(redisUrl);
});

describe('published feeds', () => {
  it('contain no hostile HTML in any format', () => {
    for (const name of ['feed.xml', 'atom.xml', 'feed.json']) {
      const text = readFileSync(path(name), 'utf8');
      expect(text).not.toMatch(/<script|onclick|onerror|javascript:|<iframe|<object|<embed|<form|<style|style=|track\.example/i);
      expect(text).toContain('日本語のニュース 🎉');
    }
  });

  // xmllint comes from libxml2-utils, which .ci/run installs; without it these checks cannot run.
  it.runIf(needs(Boolean(XMLLINT), 'xmllint is missing (apt-get install libxml2-utils)'))('atom.xml validates against the RFC 4287 RELAX NG schema; both XML documents are well-formed', () => {
    const atom = xmllint(['--noout', '--relaxng', ATOM_RNG, path('atom.xml')]);
    expect(atom.output).toContain('validates');
    expect(atom.ok).toBe(true);
    expect(xmllint(['--noout', path('feed.xml')]).ok).toBe(true);
  });

  // python3-feedparser is Debian's, installed by .ci/run; without it the reader check cannot run.
  it.runIf(needs(PYTHON !== null, 'python3 with feedparser is missing (apt-get install python3-feedparser)'))('python3-feedparser reads feed.xml and atom.xml without error and sees every item', () => {
    for (const [name, version] of [['feed.xml', 'rss20'], ['atom.xml', 'atom10']] as const) {
      const view = feedparser(path(name));
      expect(view.bozo, view.bozoException ?? '').toBe(false);
      expect(view.version).toBe(version);
      expect(view.entries).toHaveLength(ITEMS);
      expect(view.entries.map((entry) => entry.title)).toContain('Bold move: Q&A with “quotes” — 日本語のニュース 🎉');
      expect(view.entries.map((entry) => entry.title)).toContain('Snow on the high pass');
      for (const entry of view.entries) expect(entry.id).toMatch(/^tag:feedagg,2024:article\/[0-9a-f]{24}$/);
    }
  });

  // The JSON Feed 1.1 schema is third-party material read from ../shared/corpora (never copied here).
  it.runIf(needs(existsSync(JSONFEED_SCHEMA), `the JSON Feed schema is missing (${JSONFEED_SCHEMA}: ../shared/corpora)`))('feed.json validates against the JSON Feed 1.1 JSON Schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(JSONFEED_SCHEMA, 'utf8')) as object);
    const document = JSON.parse(readFileSync(path('feed.json'), 'utf8')) as unknown;
    validate(document);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('feed.json is JSON Feed 1.1 with content for every item and the sources of each', () => {
    const document = JSON.parse(readFileSync(path('feed.json'), 'utf8')) as { version: string; items: Array<Record<string, unknown>> };
    expect(document.version).toBe('https://jsonfeed.org/version/1.1');
    expect(document.items).toHaveLength(ITEMS);
    for (const item of document.items) {
      expect(typeof item.content_html === 'string' || typeof item.content_text === 'string').toBe(true);
      expect((item._feedagg as { sources: unknown[] }).sources.length).toBeGreaterThan(0);
    }
    const edge = document.items.find((item) => String(item.title).includes('Bold'));
    expect(edge).toMatchObject({ authors: [{ name: 'Ana Costa' }, { name: 'Bo Lindqvist' }], tags: ['Politics', 'Wörld', 'Q&A'] });
    expect((edge?.attachments as unknown[]).length).toBe(2);
  });
});
