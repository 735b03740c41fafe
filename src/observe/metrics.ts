/**
 * Prometheus metrics at `/metrics` (prom-client). Polls run in every worker process, on any
 * machine, so what they count lives in Redis (one hash, HINCRBY per poll) and `/metrics`
 * reports the whole deployment, not the one process that serves it. Queue depths, sources
 * per state and the last publish are read at scrape time; process metrics are prom-client's
 * defaults for the serving process. Names follow Prometheus conventions (`_total`, `_seconds`,
 * `_bytes`: https://prometheus.io/docs/practices/naming/).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { PollOutcome } from '../model/source-state.js';
import type { Queues } from '../runtime/context.js';
import type { RedisClient as Redis } from '../redis/client.js';
import type { Store } from '../store/store.js';

/** Upper bounds of the fetch-duration buckets, in seconds. */
export const FETCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const PUBLISH_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Hash fields are `<metric>|<label value>|…`; these name what a field holds. */
function pollResult(outcome: PollOutcome): string {
  if (outcome.skipped) return 'skipped';
  if (!outcome.ok) return 'failed';
  return outcome.notModified ? 'not_modified' : 'ok';
}

/** The one bucket an observation falls in (counts are per bucket; /metrics adds them up). */
function bucketField(name: string, seconds: number, buckets: number[]): string {
  return `${name}|${buckets.find((bound) => seconds <= bound) ?? '+Inf'}`;
}

/** Count one poll (one pipelined round trip; auto-pipelining joins it with the poll's writes). */
/**
 * Poll counters, added up in memory and written in one pipeline per batch of polls (issue 17:
 * a pipeline per poll was 5 commands of the 61 a 304 cost).
 */
export class MetricsTally {
  private readonly counts = new Map<string, number>();
  private fetchSeconds = 0;

  private add(field: string, by: number): void {
    this.counts.set(field, (this.counts.get(field) ?? 0) + by);
  }

  poll(outcome: PollOutcome, bytes: number): void {
    this.add(`polls|${pollResult(outcome)}|${outcome.error?.code ?? ''}`, 1);
    if (!outcome.skipped) {
      const seconds = outcome.durationMs / 1000;
      this.add(bucketField('fetch', seconds, FETCH_BUCKETS), 1);
      this.fetchSeconds += seconds;
      if (bytes > 0) this.add('bytes', bytes);
      if (outcome.status === 304) this.add('not_modified_304', 1);
    }
    for (const decision of ['created', 'merged', 'updated'] as const) {
      if (outcome[decision] > 0) this.add(`articles|${decision}`, outcome[decision]);
    }
  }

  async flush(store: Store): Promise<void> {
    if (this.counts.size === 0) return;
    const counts = [...this.counts];
    const sums: Array<[string, number]> = [['fetch_sum', this.fetchSeconds]];
    this.counts.clear();
    this.fetchSeconds = 0;
    await store.metrics.add(counts, sums);
  }
}

/** Count one publish and its duration. */
export async function countPublish(store: Store, seconds: number): Promise<void> {
  await store.metrics.add([[bucketField('publish', seconds, PUBLISH_BUCKETS), 1]], [['publish_sum', seconds]]);
}

export interface MetricsSources {
  store: Store;
  queues: Queues;
  /** Sources by state (active, failing, gone, disabled…), read at scrape time. */
  sourceStates(): Promise<Map<string, number>>;
  /** Redis refuses writes (maxmemory reached), as this process sees it. */
  outOfMemory?: () => boolean;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

export interface Metrics {
  registry: Registry;
  contentType: string;
  /** The exposition text: counters read from Redis once, then every metric collected. */
  render(): Promise<string>;
}

/** A registry whose metrics are filled from Redis on every scrape. */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'feedagg_' });
  let counts: Record<string, string> = {};
  const count = (field: string): number => Number(counts[field] ?? 0);
  const fieldsOf = (name: string) => Object.keys(counts).filter((field) => field.startsWith(`${name}|`)).map((field) => [field, ...field.split('|').slice(1)] as const);
  new Counter({
    name: 'feedagg_polls_total', help: 'Polls by result (ok, not_modified, failed, skipped) and error code.', labelNames: ['result', 'code'], registers: [registry],
    collect() {
      this.reset();
      for (const [field, result = '', code = ''] of fieldsOf('polls')) this.inc({ result, code }, count(field));
    },
  });
  new Counter({ name: 'feedagg_fetched_bytes_total', help: 'Response body bytes fetched (decompressed).', registers: [registry], collect() { this.reset(); this.inc(count('bytes')); } });
  new Counter({ name: 'feedagg_not_modified_total', help: 'Polls answered 304 Not Modified.', registers: [registry], collect() { this.reset(); this.inc(count('not_modified_304')); } });
  new Counter({
    name: 'feedagg_articles_total', help: "Articles created, merged into another source's story, and updated.", labelNames: ['decision'], registers: [registry],
    collect() {
      this.reset();
      for (const decision of ['created', 'merged', 'updated']) this.inc({ decision }, count(`articles|${decision}`));
    },
  });
  new Gauge({
    name: 'feedagg_queue_jobs', help: 'Jobs in each BullMQ queue by state.', labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      this.reset();
      for (const queue of Object.values(sources.queues)) {
        const byState = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, byState[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'feedagg_sources', help: 'Configured sources by state: failing, held, retired, polling, new, ok, disabled (as on the status page and in feedagg sources).', labelNames: ['state'], registers: [registry],
    async collect() {
      this.reset();
      for (const [state, total] of await sources.sourceStates()) this.set({ state }, total);
    },
  });
  new Gauge({
    name: 'feedagg_redis_out_of_memory', help: '1 while Redis refuses writes because it reached maxmemory.', registers: [registry],
    collect() {
      this.set(sources.outOfMemory?.() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'feedagg_last_publish_timestamp_seconds', help: 'Unix time of the last publish (0 before the first).', registers: [registry],
    async collect() {
      const at = await sources.store.outputs.lastPublish();
      this.set(at ? Date.parse(at) / 1000 : 0);
    },
  });
  return {
    registry,
    contentType: registry.contentType,
    async render() {
      counts = await sources.store.metrics.read();
      return [
        (await registry.metrics()).trimEnd(),
        histogramText('feedagg_fetch_duration_seconds', "Time a poll's requests were in flight.", 'fetch', FETCH_BUCKETS, counts),
        histogramText('feedagg_publish_duration_seconds', 'Time a publish took.', 'publish', PUBLISH_BUCKETS, counts),
      ].join('\n') + '\n';
    },
  };
}

/**
 * A histogram whose cumulative bucket counts live in Redis, in the text exposition format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): prom-client's Histogram
 * only observes values one at a time in the process that serves it.
 */
function histogramText(name: string, help: string, field: string, buckets: number[], counts: Record<string, string>): string {
  const at = (bound: string) => Number(counts[`${field}|${bound}`] ?? 0);
  let cumulative = 0;
  const lines = buckets.map((bound) => {
    cumulative += at(String(bound));
    return `${name}_bucket{le="${bound}"} ${cumulative}`;
  });
  const total = cumulative + at('+Inf');
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} histogram`,
    ...lines,
    `${name}_bucket{le="+Inf"} ${total}`,
    `${name}_sum ${Number(counts[`${field}_sum`] ?? 0)}`,
    `${name}_count ${total}`,
  ].join('\n');
}
