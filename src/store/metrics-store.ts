/** Deployment-wide counters for /metrics: one hash every process adds to (observe/metrics.ts names the fields). */
import { StorePart } from './store-part.js';

export class MetricsStore extends StorePart {
  /** Add to counters (whole numbers) and sums (seconds), in one round trip. */
  async add(counts: Iterable<[string, number]>, sums: Iterable<[string, number]> = []): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [field, by] of counts) pipeline.hincrby(this.keys.metrics, field, by);
    for (const [field, by] of sums) if (by > 0) pipeline.hincrbyfloat(this.keys.metrics, field, by);
    await pipeline.exec();
  }

  /** Every counter and sum, as stored (field → number as text). */
  async read(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.metrics);
  }
}
