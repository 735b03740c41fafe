/** `feedagg start` (scheduler + workers + HTTP) and `feedagg worker` (workers only). */
import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import { closeServer, createHttpServer, listen } from '../../http/server.js';
import { documentPath, FORMATS, type Format } from '../../publish/document-set.js';
import { outputPlans } from '../../publish/publish-outputs.js';
import { PUBLISH_DEDUP_ID } from '../../queue/names.js';
import { createLogger } from '../../runtime/logger.js';
import { openRuntime, startScheduler, startWorkers, syncSources, type Runtime } from '../../runtime/runtime.js';
import { stringOption, type Command, type ParsedArgs } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** Resolve on the first SIGTERM or SIGINT, then close everything in order. */
function untilSignal(runtime: Runtime): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      runtime.context.log.info({ signal }, 'shutting down');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      runtime.close().then((failed) => resolve(failed.length === 0 ? EXIT.ok : EXIT.fatal), () => resolve(EXIT.fatal));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function runProcess(args: ParsedArgs, withScheduler: boolean): Promise<number> {
  const config = await loadConfig(resolveConfigPath(stringOption(args, 'config')));
  const log = createLogger();
  const runtime = await openRuntime(config, log);
  try {
    startWorkers(runtime);
    if (withScheduler) {
      await syncSources(runtime);
      await startScheduler(runtime);
      const server = createHttpServer({
        redis: runtime.context.redis,
        keys: runtime.context.keys,
        paths: new Set(outputPlans(config).flatMap((plan) => (Object.keys(FORMATS) as Format[]).map((format) => documentPath(plan.folder, format)))),
        // The same freshness the feeds announce in <ttl>: readers need not ask more often.
        maxAgeSeconds: Math.round(config.schedule.defaultInterval / 1000),
        log,
      });
      runtime.beforeClose.push({ name: 'http server', run: () => closeServer(server) });
      const port = await listen(server, config.http.port).catch((error: unknown) => {
        throw new FeedaggError('CONFIG', `cannot listen on port ${config.http.port}: ${error instanceof Error ? error.message : String(error)} (set http.port or PORT)`, { cause: error });
      });
      // Publish what Redis already holds, so the files exist before the first poll finishes.
      await runtime.context.queues.publish.add('publish', { reason: 'start' }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
      log.info({ port, sources: runtime.context.sources.size, outputDir: config.output.dir }, 'feedagg started');
    } else {
      log.info('feedagg worker started');
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return untilSignal(runtime);
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the scheduler, the workers and the HTTP server until SIGTERM/SIGINT',
  usage: 'Usage: feedagg start [--config PATH]\n\nServes /feed.xml, /atom.xml, /feed.json and /healthz on http.port (env PORT).',
  options: {},
  run: (args) => runProcess(args, true),
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run the workers only (scale out on more machines sharing one Redis)',
  usage: 'Usage: feedagg worker [--config PATH]\n\nEvery process must read the same config (sources are looked up by id).',
  options: {},
  run: (args) => runProcess(args, false),
};
