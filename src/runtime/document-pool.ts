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
import type { DocumentReading, DocumentResult, DocumentTask } from '../pipeline/read-document.js';

export interface DocumentPoolOptions {
  threads: number;
  maxParseTimeMs: number;
  /** V8 old-generation heap of one thread (MB): a runaway document fails alone. */
  maxHeapMb?: number;
  /** A thread that read a document this large is replaced afterwards: its heap goes with it. */
  recycleBytes?: number;
}

interface Pending {
  task: DocumentTask;
  resolve: (reading: DocumentReading) => void;
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

/** What a poll needs of the document threads (a test may stand in a failing one). */
export interface DocumentReader {
  read(task: DocumentTask): Promise<DocumentReading>;
  close(): Promise<void>;
}

export class DocumentPool implements DocumentReader {
  private readonly threads = new Set<Thread>();
  private readonly queue: Pending[] = [];
  private closed = false;
  private readonly file = documentThreadFile();
  /** Threads started in all (replacements included), for tests and metrics. */
  started = 0;

  constructor(private readonly options: DocumentPoolOptions) {}

  read(task: DocumentTask): Promise<DocumentReading> {
    if (this.closed) return Promise.reject(new FeedaggError('INTERNAL', 'the document threads are closed (shutting down)'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
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
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.threads.size < this.options.threads && ![...this.threads].some((candidate) => !candidate.job)) this.spawn();
      const thread = [...this.threads].find((candidate) => candidate.ready && !candidate.job);
      if (!thread) return;
      const job = this.queue.shift() as Pending;
      thread.job = job;
      thread.worker.ref();
      // The deadline runs from here, when the document starts in its thread.
      thread.timer = setTimeout(() => this.fail(thread, new FeedaggError('PARSE_TIMEOUT', `reading the document took longer than ${this.options.maxParseTimeMs / 1000} s (fetch.maxParseTime); its thread was stopped`)), this.options.maxParseTimeMs);
      thread.worker.postMessage(job.task);
    }
  }

  private spawn(): Thread {
    const worker = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 256 } });
    const thread: Thread = { worker, ready: false, job: null, timer: null };
    this.started += 1;
    worker.on('message', (result: DocumentResult | 'ready') => {
      if (result !== 'ready') return this.settle(thread, result);
      thread.ready = true;
      worker.unref();
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const typed = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new FeedaggError('PARSE_MEMORY', `reading the document ran out of its thread's memory (${this.options.maxHeapMb ?? 256} MB); the thread was replaced`)
        : new FeedaggError('INTERNAL', `document thread: ${error.message}`);
      this.fail(thread, typed);
    });
    worker.on('exit', () => this.fail(thread, new FeedaggError('INTERNAL', 'the document thread exited while reading')));
    this.threads.add(thread);
    return thread;
  }

  private settle(thread: Thread, result: DocumentResult): void {
    const job = thread.job;
    if (!job) return;
    this.release(thread);
    if (result.ok) job.resolve(result.reading);
    else job.reject(new FeedaggError(result.error.code, result.error.message, result.error.feedLinks ? { feedLinks: result.error.feedLinks } : {}));
    // A large document grew the thread's heap; a fresh thread gives that memory back at once.
    if (job.task.body.byteLength >= (this.options.recycleBytes ?? 1024 * 1024)) void this.stop(thread);
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
    thread.timer = null;
    thread.job = null;
    thread.worker.unref();
  }

  private async stop(thread: Thread): Promise<void> {
    if (!this.threads.delete(thread)) return;
    thread.worker.removeAllListeners('exit');
    thread.worker.on('error', () => undefined);
    await thread.worker.terminate();
  }
}
