/**
 * Redis holds the working set, not an archive. An article keeps its full body while an output
 * shows it or an event of it waits in the outbox; after that only its identity and
 * fingerprints stay, until no source has listed it for the retention period. Near-duplicate
 * data (LSH records, signatures) stays for the dedupe window only.
 */
import { createHash } from 'node:crypto';
import { compressBody, LSH_PREFIX, parseMeta } from './article-store.js';
import { StorePart } from './store-part.js';


const BUCKET_PREFIXES = 16 ** LSH_PREFIX;
const BUCKETS_PER_SWEEP = 1024;

/** WorkingSet: part of the Store (store.ts), on its connection, key names and scripts. */
export class WorkingSet extends StorePart {
  /**
   * The windows of a publish keep their bodies, compressed; every other body goes unless an
   * event of its article is still pending. Returns how many bodies left.
   */
  async keepWindowBodies(ids: string[], sequence: number): Promise<number> {
    const bodies = await this.store.articles.readBodies(ids);
    const compressed: Array<string | Buffer> = [];
    ids.forEach((id, index) => {
      const body = bodies[index];
      if (!body || body[0] === 0x7a) return;
      compressed.push(id, createHash('sha1').update(body).digest('hex'), compressBody(body));
    });
    await this.scripts.run('keep-window-bodies', [this.keys.body, this.keys.published], [ids.length, ...ids, ...compressed]);
    return this.trimBodies(sequence);
  }

  /** The accept sequence now: a publish reads it before it reads the index. */
  async acceptSequence(): Promise<number> {
    return Number((await this.redis.get(this.keys.acceptSequence)) ?? 0);
  }

  /**
   * Drop the bodies outside the published windows, 500 at a time. The body hash is the working
   * set (the windows, pending events and what arrived since the last publish), so reading its
   * field names is cheap.
   */
  private async trimBodies(sequence: number): Promise<number> {
    const ids = await this.redis.hkeys(this.keys.body);
    let removed = 0;
    for (let start = 0; start < ids.length; start += 500) {
      removed += Number(await this.scripts.run('trim-bodies', [this.keys.articleMeta, this.keys.body, this.keys.published], [sequence, ...ids.slice(start, start + 500)]));
  }
  return removed;
  }

  /** Articles no source has listed since `cutoff` leave the store; returns how many did. */
  async sweepExpired(cutoff: number, limit = 200): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.keys.unlisted, '-inf', cutoff, 'LIMIT', 0, limit);
    if (ids.length === 0) return 0;
    const metas = await this.redis.hmget(this.keys.articleMeta, ...ids);
    const sources = [...new Set(metas.flatMap((json) => (json ? parseMeta(json).sources.map((source) => source.sourceId) : [])))];
    const fixed = [this.keys.articleMeta, this.keys.body, this.keys.sig, this.keys.stories, this.keys.articlesByTime, this.keys.unlisted, this.keys.published];
    return Number(await this.scripts.run('sweep-expired', [...fixed, ...sources.map((id) => this.keys.seen(id))], [cutoff, sources.length, ...sources, ...ids]));
  }

  /**
   * Drop near-duplicate data older than the window, a slice per call: `BUCKETS_PER_SWEEP` LSH
   * buckets and a page of signatures; the position is kept in Redis, so any process continues.
   */
  async sweepWindow(bands: number, oldestMs: number): Promise<void> {
    const stateKey = `${this.keys.root}:maintenance`;
    const [bucketText, cursor] = await this.redis.hmget(stateKey, 'bucket', 'sigCursor');
    const total = bands * BUCKET_PREFIXES;
    const first = Number(bucketText ?? 0) % total;
    const buckets = Array.from({ length: BUCKETS_PER_SWEEP }, (_, offset) => {
      const index = (first + offset) % total;
      return this.keys.lshBucket(Math.floor(index / BUCKET_PREFIXES), (index % BUCKET_PREFIXES).toString(16).padStart(LSH_PREFIX, '0'));
    });
    const next = String(await this.scripts.run('sweep-window', [this.keys.sig, ...buckets], [Math.floor(oldestMs / 60_000), cursor ?? '0', 500]));
    await this.redis.hset(stateKey, 'bucket', String((first + BUCKETS_PER_SWEEP) % total), 'sigCursor', next);
  }
}
