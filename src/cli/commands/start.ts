/** `feedagg start` (scheduler + workers + HTTP) and `feedagg worker` (workers only). */
import { loadConfig, resolveConfigPath } from '../../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import { closeServer, createHttpServer, listen } from '../../http/server.js';
import { servicePages } from '../../http/service-pages.js';
import { documentPaths } from '../../publish/document-set.js';
import { join } from 'node:path';
import { outputPlans } from '../../publish/publish-outputs.js';
import { removeStaleTemps } from '../../publish/write-outputs.js';
import { checkOutputFolders } from '../../publish/check-outputs.js';
import { PUBLISH_DEDUP_ID } from '../../queue/names.js';
import { createLogger } from '../../runtime/logger.js';
import { jobProcessors } from '../../../jobs/processors.js';
import { reloadConfig, serialReloads, watchConfig } from '../../runtime/config-reload.js';
import { AdminAuth } from '../../console/admin-auth.js';
import { mallocAdvice } from '../../runtime/malloc-env.js';
import { ConfigFile } from '../../console/config-file.js';
import { ConsoleActions } from '../../console/console-actions.js';
import { createConsole } from '../../console/console-routes.js';
import { beatAsOwner, joinDeployment } from '../../runtime/join-deployment.js';
import { openRuntime, startScheduler, startWorkers, syncSources, type Runtime } from '../../runtime/runtime.js';
import { stringOption, type Command, type ParsedArgs } from '../command.js';
import { EXIT } from '../exit-codes.js';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Run until a signal, then close everything in order (within the shutdown deadline). A
 * second signal forces the exit at once, still stopping the private redis-server. When the
 * process cannot go on (its shared private Redis is gone), it closes and exits 1. SIGHUP
 * never stops the process: `start` reloads its config, a worker has nothing to reload.
 */
function untilSignal(runtime: Runtime, onHangup: () => void): Promise<number> {
  const { log } = runtime.context;
  process.on('SIGHUP', onHangup);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (code: number) => {
      stopping = true;
      process.off('SIGHUP', onHangup);
      runtime.close().then((failed) => resolve(failed.length === 0 ? code : EXIT.fatal), () => resolve(EXIT.fatal));
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopping) {
        log.info({ signal }, 'shutting down (a second signal forces the exit)');
        stop(EXIT.ok);
        return;
      }
      log.warn({ signal }, 'second signal: exiting now');
      for (const name of SIGNALS) process.off(name, onSignal);
      void runtime.forceClose().finally(() => resolve(EXIT.fatal));
    };
    for (const name of SIGNALS) process.on(name, onSignal);
    void runtime.fatal.then(() => {
      if (!stopping) stop(EXIT.fatal);
    });
  });
}

/** Output folders that cannot be written are found now, not at the first publish: logged, and /readyz says so. */
async function checkOutputs(runtime: Runtime): Promise<void> {
  const { config, log } = runtime.context;
  const problem = await checkOutputFolders(outputPlans(config).map((plan) => join(config.output.dir, plan.folder)));
  const before = runtime.context.outputProblem;
  runtime.context.outputProblem = problem?.message ?? null;
  if (problem) log.error({ code: problem.code, outputDir: config.output.dir, err: problem.message }, 'the output folders cannot be written: every publish will fail until this is fixed');
  else if (before) log.info({ outputDir: config.output.dir }, 'the output folders can be written again');
}

async function runProcess(args: ParsedArgs, withScheduler: boolean): Promise<number> {
  const configPath = resolveConfigPath(stringOption(args, 'config'));
  const config = await loadConfig(configPath);
  const log = createLogger();
  const advice = mallocAdvice();
  if (advice) log.info({ advice }, 'memory: glibc keeps large freed buffers by default');
  // A signal during start-up (before untilSignal listens) must not kill the process with its
  // private redis-server left running: it is held until the runtime is open, then honoured.
  let early: NodeJS.Signals | null = null;
  const onEarly = (signal: NodeJS.Signals) => {
    if (early !== null) process.exit(130);
    early = signal;
    log.info({ signal }, 'stopping once start-up is done (a second signal forces the exit)');
  };
  for (const name of SIGNALS) process.on(name, onEarly);
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config, log);
  } catch (error) {
    for (const name of SIGNALS) process.off(name, onEarly);
    throw error;
  }
  let onHangup = () => log.info({ signal: 'SIGHUP' }, 'a worker has nothing to reload: it reads its sources from Redis, as feedagg start publishes them');
  try {
    if (!withScheduler) await joinDeployment(runtime, configPath);
    // Publishing is start's (one publisher, with the deployment's outputs): a worker polls.
    const { publish, ...pollers } = jobProcessors(runtime.context);
    startWorkers(runtime, withScheduler ? { publish, ...pollers } : pollers);
    if (withScheduler) {
      // A publish killed mid-write left temporary files: nothing else would remove them.
      const stale = await removeStaleTemps(outputPlans(config).map((plan) => join(config.output.dir, plan.folder)));
      if (stale.length > 0) log.info({ removed: stale.length }, 'removed temporary files an interrupted publish left in output.dir');
      await syncSources(runtime);
      await checkOutputs(runtime);
      const owner = beatAsOwner(runtime.context.store);
      runtime.beforeClose.push({ name: 'deployment beat', run: () => owner.stop() });
      await startScheduler(runtime);
      const reload = serialReloads(async (trigger) => {
        try {
          const result = await reloadConfig(runtime, configPath, trigger);
          await checkOutputs(runtime);
          return result;
        } catch (error) {
          log.error({ trigger, err: error instanceof Error ? error.message : String(error) }, 'config reload failed; the running config stays');
          return undefined;
        }
      });
      const documents = outputPlans(config).flatMap((plan) => documentPaths(plan.folder));
      // The console (issue 20): writes go to this config file and through the reload above.
      const configFile = new ConfigFile(configPath, reload);
      const consoleHandler = createConsole({
        auth: new AdminAuth(config.http.adminToken, log),
        actions: new ConsoleActions(runtime.context, configFile),
        log,
        defaultIntervalMs: config.schedule.defaultInterval,
        redisReady: () => runtime.context.store.redis.status === 'ready',
        now: () => runtime.context.now(),
      });
      const server = createHttpServer({
        store: runtime.context.store,
        paths: new Set(documents),
        pages: servicePages(runtime.context, documents, runtime.health, configFile),
        console: consoleHandler,
        health: { get outOfMemory() { return runtime.health.outOfMemory; }, publishFailure: () => runtime.context.publishFailure, outputProblem: () => runtime.context.outputProblem },
        // The same freshness the feeds announce in <ttl>: readers need not ask more often.
        maxAgeSeconds: Math.round(config.schedule.defaultInterval / 1000),
        fileOf: (path) => join(config.output.dir, ...path.split('/').filter(Boolean)),
        log,
      });
      const port = await listen(server, config.http.port).catch((error: unknown) => {
        throw new FeedaggError('CONFIG', `cannot listen on port ${config.http.port}: ${error instanceof Error ? error.message : String(error)} (set http.port or PORT)`, { cause: error });
      });
      // Only a server that listens has anything to close ("Server is not running" otherwise).
      runtime.beforeClose.push({ name: 'http server', run: () => closeServer(server) });
      // Publish what Redis already holds, so the files exist before the first poll finishes.
      await runtime.context.queues.publish.add('publish', { reason: 'start' }, { deduplication: { id: PUBLISH_DEDUP_ID, keepLastIfActive: true }, removeOnComplete: true, removeOnFail: 100 });
      onHangup = () => void reload('SIGHUP');
      const watcher = watchConfig(configPath, () => void reload('file changed'));
      runtime.beforeClose.unshift({ name: 'config watch', run: async () => watcher.close() });
      log.info({ port, sources: runtime.context.sources.size, outputDir: config.output.dir, config: configPath }, 'feedagg started');
    } else {
      log.info('feedagg worker started');
    }
  } catch (error) {
    for (const name of SIGNALS) process.off(name, onEarly);
    await runtime.close();
    throw error;
  }
  for (const name of SIGNALS) process.off(name, onEarly);
  if (early !== null) {
    const failed = await runtime.close();
    return failed.length === 0 ? EXIT.ok : EXIT.fatal;
  }
  return untilSignal(runtime, () => onHangup());
}

export const startCommand: Command = {
  name: 'start',
  usage: 'Usage: feedagg start [--config PATH]\n\nServes /feed.xml, /atom.xml, /feed.json and /healthz on http.port (env PORT).\nReloads its config on SIGHUP and when the file changes (sources at once; other settings after a restart).\nStops cleanly on SIGTERM or SIGINT (within 10 s); a second signal forces the exit.',
  options: {},
  run: (args) => runProcess(args, true),
};

export const workerCommand: Command = {
  name: 'worker',
  usage: 'Usage: feedagg worker [--config PATH]\n\nPolls for the deployment feedagg start runs: sources and settings come from Redis, as start publishes them.\nThe worker\'s own config needs only redis (and http, fetch.concurrency, fetch.parseThreads); other keys there are ignored, with a warning.\nStops cleanly on SIGTERM or SIGINT (within 10 s); a second signal forces the exit; SIGHUP is ignored.',
  options: {},
  run: (args) => runProcess(args, false),
};
