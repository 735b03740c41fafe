/**
 * Config YAML to data. `yaml` is the one YAML library (issue 19): it also edits a config
 * keeping its comments (the console, `opml import --write`). It parses about ten times slower
 * than js-yaml did (0.8 s against 0.07 s for 10,000 sources), so a file past INLINE_YAML_CHARS
 * is parsed in a thread of its own: a running `start` reloading it keeps serving (the main
 * thread only does I/O). Small files, nearly all of them, parse inline in a few milliseconds.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedaggError } from '../src/errors.js';
import { parseYamlText, type YamlOutcome } from './yaml-text.js';

/** About 85 sources; `yaml` reads this in about 25 ms on a cold start (docs/performance.md). */
export const INLINE_YAML_CHARS = 8 * 1024;
/** A config is the operator's, not an attacker's; this only keeps a start from hanging on one. */
const THREAD_DEADLINE_MS = 60_000;

function failed(outcome: Extract<YamlOutcome, { ok: false }>, path: string): FeedaggError {
  const where = outcome.line !== undefined ? ` at line ${outcome.line}` : '';
  return new FeedaggError('CONFIG', `${path}: invalid YAML${where}: ${outcome.reason}`);
}

/** Parse on the calling thread (tests, small texts, the console's check of an edit). */
export function parseYamlInline(text: string, path: string): unknown {
  const outcome = parseYamlText(text);
  if (!outcome.ok) throw failed(outcome, path);
  return outcome.value;
}

/** The compiled thread: beside this module (dist/config), or from the bundled CLI (dist/src/cli), or under vitest. */
export function yamlThreadFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'yaml-thread.js'), join(here, '..', '..', 'config', 'yaml-thread.js'), join(here, '..', 'dist', 'config', 'yaml-thread.js')];
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

function parseInThread(text: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(yamlThreadFile(), { workerData: text });
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new FeedaggError('CONFIG', `${path}: parsing the YAML took longer than ${THREAD_DEADLINE_MS / 1000} s`))), THREAD_DEADLINE_MS);
    worker.once('message', (outcome: YamlOutcome) => settle(() => (outcome.ok ? resolve(outcome.value) : reject(failed(outcome, path)))));
    worker.once('error', (cause) => settle(() => reject(new FeedaggError('CONFIG', `${path}: the YAML thread failed: ${cause.message}`, { cause }))));
    worker.once('exit', (code) => settle(() => reject(new FeedaggError('CONFIG', `${path}: the YAML thread exited (${code}) without an answer`))));
  });
}

/** Parse `text`, off the main thread when it is large. */
export function parseYaml(text: string, path: string, inlineChars = INLINE_YAML_CHARS): Promise<unknown> {
  if (text.length <= inlineChars) {
    try {
      return Promise.resolve(parseYamlInline(text, path));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return parseInThread(text, path);
}
