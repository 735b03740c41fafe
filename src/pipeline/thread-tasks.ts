/**
 * The CPU work a document thread does, as messages: read a fetched document (read-document.ts)
 * or build the published documents of one output (build-within.ts). Plain data both ways
 * (structured clone); failures come back typed, never thrown across the thread boundary.
 */
import { asFeedaggError, type ErrorCode } from '../errors.js';
import type { BoundedFeeds } from '../publish/build-within.js';
import type { FeedOptions, PublishedItem } from '../publish/published-item.js';
import { collectGarbage } from '../runtime/collect-garbage.js';
import { readDocument, type DocumentReading, type DocumentTask } from './read-document.js';

export interface BuildTask {
  items: PublishedItem[];
  options: FeedOptions;
  maxBytes: number;
}

export interface ThreadTasks {
  read: { task: DocumentTask; result: DocumentReading };
  build: { task: BuildTask; result: BoundedFeeds };
}

export type TaskKind = keyof ThreadTasks;

export interface TaskMessage<K extends TaskKind = TaskKind> {
  kind: K;
  task: ThreadTasks[K]['task'];
}

export type TaskError = { code: ErrorCode; message: string; feedLinks?: string[] };

export type TaskResult<K extends TaskKind = TaskKind> = { ok: true; value: ThreadTasks[K]['result'] } | { ok: false; error: TaskError };

function failure(error: unknown): { ok: false; error: TaskError } {
  const typed = asFeedaggError(error);
  return { ok: false, error: { code: typed.code, message: typed.message, ...(typed.feedLinks ? { feedLinks: typed.feedLinks } : {}) } };
}

export async function runTask(message: TaskMessage): Promise<TaskResult> {
  try {
    if (message.kind === 'read') {
      return { ok: true, value: await readDocument(message.task as DocumentTask) };
    }
    // The feed writers (feed, xml-js) load on the first build, not when a thread starts.
    const { buildWithin } = await import('../publish/build-within.js');
    const { items, options, maxBytes } = message.task as BuildTask;
    // Each document's tree is garbage once it is a string: collected before the next is built,
    // so a build holds one document's working set, not three (about 80 MB → 40 MB for 3 MB documents).
    return { ok: true, value: buildWithin(items, options, maxBytes, collectGarbage) };
  } catch (error) {
    return failure(error);
  }
}
