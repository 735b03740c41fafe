/**
 * Issue 12: what `feedagg start` serves for operators. /metrics parses as Prometheus text and
 * its counters move after a poll; /opml.xml lists the sources; the status page at `/` shows a
 * row per source in a real browser (Debian's chromium, headless, driven by puppeteer-core).
 */
import { existsSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { renderStatusPage } from '../src/console/source-list-page.js';
import { readOpml } from '../src/opml/opml.js';
import { freePort } from '../src/redis/embedded-redis.js';
import { spawnCli } from './helpers/cli.js';
import { FixtureServer } from './helpers/fixture-server.js';
import { ProcessLog } from './helpers/process-log.js';
import { waitFor } from './helpers/wait.js';
import { createWorkspace, type Workspace } from './helpers/workspace.js';

const redisUrl = inject('redisUrl');
let server: FixtureServer;
let workspace: Workspace;

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => Boolean(path && existsSync(path)));

beforeAll(async () => {
  server = await new FixtureServer().start();
  server.serveStandardFeeds();
});
afterAll(() => server.stop());
beforeEach(async () => {
  workspace = await createWorkspace();
});
afterEach(() => workspace.cleanup(redisUrl));

/** Prometheus text → samples by name and labels (`name{a="b"}`). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, type: String(response.headers['content-type']), body: await response.body.text() };
}

describe('operator pages of feedagg start', () => {
  it('/metrics counts polls and articles deployment-wide, /opml.xml lists the sources, / shows them in a browser', async (context) => {
    const port = await freePort();
    await workspace.writeConfig({
      redis: { url: redisUrl, prefix: workspace.prefix },
      http: { port },
      output: { dir: workspace.outputDir, title: 'Ops <test>' },
      schedule: { tick: '1s', minInterval: '1s', defaultInterval: '1s' },
      fetch: { allowPrivateNetworks: true, perHostInterval: '1ms' },
      sources: [
        { id: 'harbor', url: server.url('/rss.xml'), interval: '1s', tags: ['news'] },
        { id: 'river', url: server.url('/feed.json'), interval: '1s' },
        { id: 'missing', url: server.url('/missing.xml'), interval: '1s' },
      ],
    });
    const start = new ProcessLog(spawnCli(['start', '--config', workspace.configPath], { env: { LOG_LEVEL: 'info' } }));
    const base = `http://127.0.0.1:${port}`;
    try {
      await start.waitFor(/feedagg started/);
      const first = await waitFor('5 articles counted', async () => {
        const metrics = await get(`${base}/metrics`);
        const samples = parseMetrics(metrics.body);
        // The publish counts itself after it records its time: wait for both.
        return samples.get('feedagg_articles_total{decision="created"}') === 5 && (samples.get('feedagg_last_publish_timestamp_seconds') ?? 0) > 0 && (samples.get('feedagg_publish_duration_seconds_count') ?? 0) >= 1 ? { metrics, samples } : null;
      }, 30_000);
      expect(first.metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const { samples } = first;
      expect(samples.get('feedagg_polls_total{result="ok",code=""}')).toBeGreaterThanOrEqual(2);
      expect(samples.get('feedagg_polls_total{result="failed",code="HTTP_STATUS"}')).toBeGreaterThanOrEqual(1);
      expect(samples.get('feedagg_fetched_bytes_total')).toBeGreaterThan(0);
      expect(samples.get('feedagg_fetch_duration_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(samples.get('feedagg_fetch_duration_seconds_bucket{le="+Inf"}')).toBe(samples.get('feedagg_fetch_duration_seconds_count'));
      expect(samples.get('feedagg_publish_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(samples.has('feedagg_queue_jobs{queue="poll",state="waiting"}')).toBe(true);
      expect([...samples].filter(([name]) => name.startsWith('feedagg_sources{')).reduce((sum, [, value]) => sum + value, 0)).toBe(3);
      expect(samples.has('feedagg_process_resident_memory_bytes')).toBe(true);

      // The counters move: the next polls (1 s interval) answer 304 or the same bytes.
      const okBefore = (samples.get('feedagg_polls_total{result="ok",code=""}') ?? 0) + (samples.get('feedagg_polls_total{result="not_modified",code=""}') ?? 0);
      await waitFor('more polls counted', async () => {
        const now = parseMetrics((await get(`${base}/metrics`)).body);
        const ok = (now.get('feedagg_polls_total{result="ok",code=""}') ?? 0) + (now.get('feedagg_polls_total{result="not_modified",code=""}') ?? 0);
        return ok > okBefore && (now.get('feedagg_not_modified_total') ?? 0) > 0 ? true : null;
      }, 30_000);

      const opml = await get(`${base}/opml.xml`);
      expect(opml.type).toMatch(/^text\/x-opml/);
      expect((await readOpml(opml.body, '/opml.xml')).map((feed) => [feed.title, feed.tags])).toEqual([['harbor', ['news']], ['river', []], ['missing', []]]);

      const page = await get(`${base}/`);
      expect(page.type).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('Ops &lt;test&gt;');
      if (!CHROMIUM) {
        context.skip('chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH): the browser check of the status page is skipped');
        return;
      }
      const { default: puppeteer } = await import('puppeteer-core');
      const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
      try {
        const tab = await browser.newPage();
        await tab.setViewport({ width: 390, height: 844 });
        // Sources polled every second are often mid-poll ('polling' outranks the rest): the
        // page is read again until none is, as an operator would glance again.
        let rows: Array<Array<string | null>> = [];
        for (let attempt = 0; attempt < 50; attempt += 1) {
          await tab.goto(`${base}/`, { waitUntil: 'load' });
          rows = await tab.$$eval('#sources tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-source'), ...[...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')]));
          if (!rows.some((row) => row[2] === 'polling')) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(await tab.title()).toBe('Ops <test> — feedagg status');
        // Those that need the operator first (issue 16, defect 7), in the one vocabulary.
        expect(rows.map((row) => row[0])).toEqual(['missing', 'harbor', 'river']);
        const missing = rows.find((row) => row[0] === 'missing') ?? [];
        expect(missing[2]).toBe('failing');
        expect(missing[5]).toBe('404');
        expect(Number(missing[6])).toBeGreaterThanOrEqual(1);
        expect(missing[8]).toMatch(/HTTP_STATUS/);
        expect(missing[11]).toMatch(/^✗+$/);
        expect(rows.find((row) => row[0] === 'harbor')?.[2]).toBe('ok');
        expect(rows.find((row) => row[0] === 'harbor')?.[10]).toBe('3');
        const links = await tab.$$eval('a', (anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
        expect(links).toEqual(expect.arrayContaining(['/feed.xml', '/atom.xml', '/feed.json', '/opml.xml', '/metrics']));
        expect(await tab.$$eval('#queues tbody tr', (trs) => trs.length)).toBe(4);
        // Readable on a phone: the page is no wider than the screen (tables scroll inside their box).
        expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      } finally {
        await browser.close();
      }
    } finally {
      start.child.kill('SIGTERM');
      expect(await start.exitWithin(15_000)).toBe(0);
    }
  }, 90_000);

  it('escapes everything that comes from feeds and servers', () => {
    const html = renderStatusPage({
      title: 'T',
      rows: [{ id: 'x', url: 'http://x.example/', effectiveUrl: 'http://x.example/"><script>alert(1)</script>', state: 'failing', lastPollAt: null, lastStatus: 500, lastError: { code: 'PARSE', message: '<img src=x onerror=alert(1)>' }, nextPollAt: null, consecutiveFailures: 1, etag: null, lastModified: null, itemsSeen: 0, health: 'failing', lastSuccessAt: null, hold: { reason: 'Retry-After from <b>x</b>', until: new Date().toISOString() }, waitMs: 0, recentOutcomes: [{ at: '<i>now</i>', result: '<u>X</u>', status: 500, created: 0, ms: 1, waitMs: 0 }] }],
      queues: [],
      lastPublishAt: null,
      publishError: { at: new Date().toISOString(), message: '<script>alert(2)</script>' },
      outputProblem: null,
      documents: ['/feed.xml'],
      now: new Date(),
    });
    expect(html).not.toMatch(/<script>|<img|<b>|<i>|<u>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
