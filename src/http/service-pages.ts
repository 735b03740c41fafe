/** The pages `feedagg start` makes on request: the status page, /metrics and /opml.xml. */
import { exportOpml } from '../opml/opml.js';
import { createMetrics } from '../observe/metrics.js';
import { sourceRows } from '../observe/source-rows.js';
import { SOURCE_HEALTH } from '../observe/source-health.js';
import type { AppContext } from '../runtime/context.js';
import { FeedaggError } from '../errors.js';
import type { Page, PageRenderer } from './server.js';
import { articlesLastDay, outputViews, scanArticles } from '../console/console-data.js';
import type { ConfigFile } from '../console/config-file.js';
import { documentPaths } from '../publish/document-set.js';
import { renderStatusPage } from '../console/source-list-page.js';

/** Pages that need Redis fail at once while it is away (a command would wait in ioredis's queue). */
function needRedis(context: AppContext): void {
  if (context.store.redis.status !== 'ready') throw new FeedaggError('REDIS_UNAVAILABLE', `Redis is unreachable (connection ${context.store.redis.status})`);
}

export function servicePages(context: AppContext, documents: string[], health?: { readonly outOfMemory: boolean }, configFile?: ConfigFile): Map<string, PageRenderer> {
  const rows = async () => {
    needRedis(context);
    await context.sources.refresh();
    return sourceRows(context, context.sources.all());
  };
  const metrics = createMetrics({
    store: context.store,
    queues: context.queues,
    outOfMemory: () => health?.outOfMemory ?? false,
    async sourceStates() {
      // The status page's words: every one, zeros included, so a dashboard sees 0, not nothing.
      const counts = new Map<string, number>(SOURCE_HEALTH.map((health) => [health, 0]));
      for (const row of await rows()) counts.set(row.health, (counts.get(row.health) ?? 0) + 1);
      return counts;
    },
  });
  return new Map<string, PageRenderer>([
    ['/', async (request) => {
      const sourceRowsNow = await rows();
      const now = context.now();
      const [scan, outputs, readOnlyReason] = await Promise.all([
        scanArticles(context),
        outputViews(context, documentPaths),
        request?.viewer.admin && configFile ? configFile.readOnlyReason() : Promise.resolve(null),
      ]);
      const lastDay = articlesLastDay(scan, now.getTime());
      const state = request?.query.get('state') || null;
      const tag = request?.query.get('tag') || null;
      return {
      contentType: 'text/html; charset=utf-8',
      body: renderStatusPage({
        title: context.config.output.title,
        rows: sourceRowsNow,
        viewer: request?.viewer,
        tags: new Map(context.sources.all().map((source) => [source.id, source.tags])),
        lastDay: { counts: lastDay.bySource, capped: lastDay.capped },
        outputs,
        filter: { state, tag },
        readOnlyReason,
        notice: request?.notice ?? null,
        queues: await Promise.all(Object.values(context.queues).map(async (queue) => ({ name: queue.name, counts: await queue.getJobCounts('waiting', 'active', 'delayed', 'failed') }))),
        lastPublishAt: await context.store.outputs.lastPublish(),
        publishError: (await context.store.outputs.publishFailure()) ?? context.publishFailure,
        outputProblem: context.outputProblem,
        documents,
        now,
      }),
      };
    }],
    ['/metrics', async () => {
      needRedis(context);
      return { contentType: metrics.contentType, body: await metrics.render() };
    }],
    ['/opml.xml', async () => {
      // The sources this process holds answer while Redis is away.
      if (context.store.redis.status === 'ready') await context.sources.refresh();
      return { contentType: 'text/x-opml; charset=utf-8', body: exportOpml(context.sources.all(), context.config.output.title) };
    }],
  ]);
}
