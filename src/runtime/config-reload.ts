/**
 * `feedagg start` reloads its config on SIGHUP and when the file changes. The new file is
 * validated first; an invalid one is logged and the running config stays. Sources take
 * effect at once: added and changed ones are due now (a tick is run right away) and poll
 * with their new definition; removed ones leave the schedule and keep their articles. Other
 * settings need a restart, and the log says which.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { loadConfig, rawOf, remember } from '../../config/load-config.js';
import { deploymentDocument } from './deployment.js';
import { FeedaggError } from '../errors.js';
import { syncSources, type Runtime } from './runtime.js';

/** Editors save in bursts (write, rename, chmod): one reload per burst. */
const DEBOUNCE_MS = 300;

export interface ReloadResult {
  applied: boolean;
  added: string[];
  removed: string[];
  changed: string[];
  restartNeeded: string[];
}

/** Top-level sections other than `sources` whose value changed: they apply after a restart. */
function sectionsChanged(before: Config, after: Config): string[] {
  return (Object.keys(after) as Array<keyof Config>).filter((key) => key !== 'sources' && JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

export async function reloadConfig(runtime: Runtime, path: string, trigger: string): Promise<ReloadResult> {
  const { log } = runtime.context;
  let next: Config;
  try {
    next = await loadConfig(path);
  } catch (error) {
    const message = error instanceof FeedaggError ? error.message : String(error);
    log.error({ config: path, trigger, err: message }, 'config reload refused: the file is invalid, the running config stays');
    return { applied: false, added: [], removed: [], changed: [], restartNeeded: [] };
  }
  const current = runtime.context.config;
  const restartNeeded = sectionsChanged(current, next);
  // The deployment document keeps the settings start runs on, with the new sources: workers
  // must not run on settings this process has not taken yet.
  const running = remember({ ...current, sources: next.sources }, { ...rawOf(current), sources: rawOf(next)?.sources ?? [] });
  const { added, removed, changed } = await syncSources(runtime, next.sources, deploymentDocument(running));
  runtime.context.config = running;
  // Added and changed sources are due now: a tick claims them without waiting for the next one.
  if (added.length > 0 || changed.length > 0) await runtime.context.queues.scheduler.add('tick', {}, { removeOnComplete: true, removeOnFail: 50 });
  log.info({ config: path, trigger, sources: next.sources.length, added, removed, changed }, 'config reloaded');
  if (restartNeeded.length > 0) log.warn({ sections: restartNeeded }, 'these settings changed and take effect after a restart');
  return { applied: true, added, removed, changed, restartNeeded };
}

/**
 * Reload when the file changes. The folder is watched, not the file: editors save by writing
 * a new file and renaming it over the old one, which ends a watch on the file itself.
 */
export function watchConfig(path: string, onChange: () => void): FSWatcher {
  const file = basename(resolve(path));
  let timer: NodeJS.Timeout | null = null;
  const watcher = watch(dirname(resolve(path)), (_event, name) => {
    if (name !== null && name !== file) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, DEBOUNCE_MS);
    timer.unref();
  });
  watcher.on('error', () => undefined);
  return watcher;
}

/**
 * One reload at a time; a reload asked for while one runs runs again after it (requests
 * meanwhile share that one run). The promise settles when a run that began after the request
 * has ended, with its result (undefined when it failed): the console waits for its own edit.
 */
export function serialReloads<T>(run: (trigger: string) => Promise<T>): (trigger: string) => Promise<T | undefined> {
  let running: Promise<T | undefined> | null = null;
  let pending: { trigger: string; done: Promise<T | undefined>; resolve: (value: T | undefined) => void } | null = null;
  const start = (trigger: string): Promise<T | undefined> => {
    const current: Promise<T | undefined> = run(trigger).catch(() => undefined).finally(() => {
      running = null;
      if (pending !== null) {
        const queued = pending;
        pending = null;
        void start(queued.trigger).then(queued.resolve);
      }
    });
    running = current;
    return current;
  };
  return (trigger: string) => {
    if (!running) return start(trigger);
    if (pending) {
      pending.trigger = trigger;
      return pending.done;
    }
    let resolve: (value: T | undefined) => void = () => undefined;
    const done = new Promise<T | undefined>((settle) => (resolve = settle));
    pending = { trigger, done, resolve };
    return done;
  };
}
