/**
 * Document threads (DESIGN.md "Data flow"): the main thread only does I/O, so reading a
 * document (decode, parse, normalize, sanitize, fingerprint) runs in a worker thread, one
 * document per thread at a time. A document gets `maxParseTimeMs` of its thread from the
 * moment it starts there (not from when it was queued); past it, the thread is terminated
 * — V8 cannot interrupt a regex or a loop any other way — and replaced, and the poll fails
 * with PARSE_TIMEOUT. A thread that runs out of its heap fails the poll with PARSE_MEMORY.
 *
 * Hand-written on node:worker_threads rather than piscina: piscina's abort signal runs from
 * submission, so documents waiting behind a slow one would time out without having run.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedaggError } from '../errors.js';
import type { DocumentReading, DocumentTask } from '../pipeline/read-document.js';
import type { TaskKind, TaskMessage, TaskResult, ThreadTasks } from '../pipeline/thread-tasks.js';
import type { BoundedFeeds } from '../publish/build-within.js';
import type { BuildTask } from '../pipeline/thread-tasks.js';

export interface DocumentPoolOptions {
  threads: number;
  /** Changed by a worker that adopts the deployment's fetch.maxParseTime (applies to the next document). */
  maxParseTimeMs: number;
  /**
   * V8 old-generation heap of one reading thread (MB): a runaway document fails alone
   * (PARSE_MEMORY). 64 MB reads a 10 MB feed of 2,000 full-text articles; a 15 MB feed whose
   * 800 links per item sanitize to 47 MB does not.
   */
  maxHeapMb?: number;
  /** The heap of the thread that builds published documents (they may be output.maxBytes each). */
  buildHeapMb?: number;
  /** A thread that read a document this large is replaced afterwards: its heap goes with it. */
  recycleBytes?: number;
  /** A thread idle this long is stopped (its isolate's memory goes back); a new one starts on demand. */
  idleMs?: number;
  /** Windows with this much text or less are built in a reading thread (default SMALL_BUILD_BYTES). */
  inlineBuildBytes?: number;
}

interface Pending {
  message: TaskMessage;
  deadlineMs: number;
  /** What the deadline error says. */
  late: () => FeedaggError;
  /** Bytes of input: a thread that handled this much is replaced afterwards. */
  bytes: number;
  /** Moved to the thread rather than copied. */
  transfer: ArrayBuffer[];
  resolve: (value: ThreadTasks[TaskKind]['result']) => void;
  reject: (error: FeedaggError) => void;
}

interface Thread {
  worker: Worker;
  /** Its modules are loaded (the thread said so): a deadline never counts start-up. */
  ready: boolean;
  job: Pending | null;
  timer: NodeJS.Timeout | null;
}

/** The compiled thread entry; under the TypeScript sources (vitest), the one `npm run build` wrote. */
export function documentThreadFile(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = join(dirname(here), '..', 'pipeline', 'document-thread.js');
  if (existsSync(beside)) return beside;
  return join(dirname(here), '..', '..', 'dist', 'src', 'pipeline', 'document-thread.js');
}

/** What polls and publishes need of the document threads (a test may stand in a failing one). */
export interface DocumentReader {
  read(task: DocumentTask): Promise<DocumentReading>;
  /** The published documents of one output, built off the main thread. */
  build?(task: BuildTask): Promise<BoundedFeeds>;
  close(): Promise<void>;
}

/** Building an output's three documents may take this long before the publish fails (16 MB documents take seconds). */
export const BUILD_DEADLINE_MS = 120_000;

/** How long an idle thread is kept for the next document. */
export const IDLE_MS = 2_000;

/** Reading threads' heap (MB); see DocumentPoolOptions.maxHeapMb. */
export const DEFAULT_HEAP_MB = 64;
/** The build thread's heap: three documents of up to 16 MB (output.maxBytes) and their trees. */
export const DEFAULT_BUILD_HEAP_MB = 256;

/** Windows with this much text or less are built in a reading thread (3 MB documents need about 40 MB of heap). */
export const SMALL_BUILD_BYTES = 8 * 1024 * 1024;

/** What a build weighs: the text of its items (for the byte budget and thread recycling). */
export function buildBytes(task: BuildTask): number {
  return task.items.reduce((sum, item) => sum + (item.article.contentHtml?.length ?? 0) + (item.article.summary?.length ?? 0), 0);
}

export class DocumentPool implements DocumentReader {
  private readonly threads = new Set<Thread>();
  private readonly queue: Pending[] = [];
  private closed = false;
  private readonly file = documentThreadFile();
  private builder: DocumentPool | null = null;
  /** Threads being terminated: they count against `threads` until their memory is given back. */
  private stopping = 0;
  /** Threads started in all (replacements included), for tests and metrics. */
  started = 0;

  /** Reading threads alive now (idle ones included). */
  get alive(): number {
    return this.threads.size;
  }

  constructor(readonly options: DocumentPoolOptions) {}

  read(task: DocumentTask): Promise<DocumentReading> {
    const late = () => new FeedaggError('PARSE_TIMEOUT', `reading the document took longer than ${this.options.maxParseTimeMs / 1000} s (fetch.maxParseTime); its thread was stopped`);
    // A body that owns its whole ArrayBuffer (any fetched body past a few KB) moves to the
    // thread instead of being copied: the caller must not read it afterwards.
    const { body } = task;
    const movable = body.byteLength >= 8 * 1024 && body.byteOffset === 0 && body.buffer.byteLength === body.byteLength && body.buffer instanceof ArrayBuffer;
    return this.run('read', task, this.options.maxParseTimeMs, late, body.byteLength, movable ? [body.buffer as ArrayBuffer] : []);
  }

  /**
   * A window of a few MB is built in a reading thread (no isolate more); a larger one in a
   * thread of its own with a heap for documents of up to output.maxBytes, replaced after use.
   */
  build(task: BuildTask): Promise<BoundedFeeds> {
    const late = () => new FeedaggError('INTERNAL', `building the published documents took longer than ${BUILD_DEADLINE_MS / 1000} s; the thread was stopped`);
    const bytes = buildBytes(task);
    if (bytes <= (this.options.inlineBuildBytes ?? SMALL_BUILD_BYTES)) return this.run('build', task, BUILD_DEADLINE_MS, late, bytes);
    // The build thread's heap grows to hundreds of MB: the reading threads that sit idle give
    // theirs back first (a build waits for reads under the byte budget, so they are idle then;
    // their grown heaps beside a large build took run --once past 300 MB in the fault suite).
    const builder = (this.builder ??= new DocumentPool({ threads: 1, maxParseTimeMs: BUILD_DEADLINE_MS, maxHeapMb: this.options.buildHeapMb ?? DEFAULT_BUILD_HEAP_MB }));
    return this.stopIdle().then(() => builder.run('build', task, BUILD_DEADLINE_MS, late, bytes));
  }

  /** Stop the threads that have no document now (they start again when one comes). */
  private async stopIdle(): Promise<void> {
    await Promise.all([...this.threads].filter((thread) => !thread.job).map((thread) => this.stop(thread)));
  }

  private run<K extends TaskKind>(kind: K, task: ThreadTasks[K]['task'], deadlineMs: number, late: () => FeedaggError, bytes: number, transfer: ArrayBuffer[] = []): Promise<ThreadTasks[K]['result']> {
    if (this.closed) return Promise.reject(new FeedaggError('INTERNAL', 'the document threads are closed (shutting down)'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message: { kind, task }, deadlineMs, late, bytes, transfer, resolve: resolve as Pending['resolve'], reject });
      this.dispatch();
    });
  }

  /** Documents being read or waiting for a thread. */
  get pending(): number {
    return this.queue.length + [...this.threads].filter((thread) => thread.job).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new FeedaggError('INTERNAL', 'the document threads are closed (shutting down)'));
    await Promise.all([...this.threads].map((thread) => this.stop(thread)));
    await this.builder?.close();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      // A replacement waits for the thread it replaces to end (issue 17: an old thread's grown heap
      // and its replacement's, side by side, took a worker past 300 MB in the fault suite).
      if (this.threads.size + this.stopping < this.options.threads && ![...this.threads].some((candidate) => !candidate.job)) this.spawn();
      const thread = [...this.threads].find((candidate) => candidate.ready && !candidate.job);
      if (!thread) return;
      const job = this.queue.shift() as Pending;
      thread.job = job;
      thread.worker.ref();
      // The deadline runs from here, when the task starts in its thread.
      if (thread.timer) clearTimeout(thread.timer);
      thread.timer = setTimeout(() => this.fail(thread, job.late()), job.deadlineMs);
      thread.worker.postMessage(job.message, job.transfer);
    }
  }

  private spawn(): Thread {
    const worker = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? DEFAULT_HEAP_MB, maxYoungGenerationSizeMb: 8 } });
    const thread: Thread = { worker, ready: false, job: null, timer: null };
    this.started += 1;
    worker.on('message', (result: TaskResult | 'ready') => {
      if (result !== 'ready') return this.settle(thread, result);
      thread.ready = true;
      worker.unref();
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const typed = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new FeedaggError('PARSE_MEMORY', `reading the document ran out of its thread's memory (${this.options.maxHeapMb ?? DEFAULT_HEAP_MB} MB); the thread was replaced`)
        : new FeedaggError('INTERNAL', `document thread: ${error.message}`);
      this.fail(thread, typed);
    });
    worker.on('exit', () => this.fail(thread, new FeedaggError('INTERNAL', 'the document thread exited while reading')));
    this.threads.add(thread);
    return thread;
  }

  private settle(thread: Thread, result: TaskResult): void {
    const job = thread.job;
    if (!job) return;
    this.release(thread);
    if (result.ok) job.resolve(result.value);
    else job.reject(new FeedaggError(result.error.code, result.error.message, result.error.feedLinks ? { feedLinks: result.error.feedLinks } : {}));
    // A large document grew the thread's heap; a fresh thread gives that memory back at once.
    if (job.bytes >= (this.options.recycleBytes ?? 1024 * 1024)) void this.stop(thread);
    this.dispatch();
  }

  private fail(thread: Thread, error: FeedaggError): void {
    const job = thread.job;
    this.release(thread);
    void this.stop(thread);
    job?.reject(error);
    this.dispatch();
  }

  private release(thread: Thread): void {
    if (thread.timer) clearTimeout(thread.timer);
    thread.job = null;
    thread.worker.unref();
    // An idle thread holds tens of MB (its isolate, its grown heap): after a quiet spell it goes.
    thread.timer = setTimeout(() => {
      if (!thread.job) void this.stop(thread);
    }, this.options.idleMs ?? IDLE_MS);
    thread.timer.unref();
  }

  private async stop(thread: Thread): Promise<void> {
    if (!this.threads.delete(thread)) return;
    thread.worker.removeAllListeners('exit');
    thread.worker.on('error', () => undefined);
    this.stopping += 1;
    try {
      await thread.worker.terminate();
    } finally {
      this.stopping -= 1;
      if (!this.closed) this.dispatch();
    }
  }
}
