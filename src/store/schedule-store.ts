/** The next-poll time of every source: one sorted set, member = source id, score = epoch ms. */
import { StorePart } from './store-part.js';

/** ScheduleStore: part of the Store (store.ts), on its connection, key names and scripts. */
export class ScheduleStore extends StorePart {
  /**
   * Make the schedule match the config: new sources are due now, known ones keep their time,
   * sources no longer enabled in the config leave the schedule.
   */
  async syncSchedule(enabledIds: string[], now: number): Promise<{ added: string[]; removed: string[] }> {
    const current = await this.redis.zrange(this.keys.schedule, 0, -1);
    const wanted = new Set(enabledIds);
    const removed = current.filter((id) => !wanted.has(id));
    const known = new Set(current);
    const added = enabledIds.filter((id) => !known.has(id));
    const pipeline = this.redis.multi();
    if (removed.length > 0) pipeline.zrem(this.keys.schedule, ...removed);
    for (let start = 0; start < added.length; start += 1000) {
      pipeline.zadd(this.keys.schedule, 'NX', ...added.slice(start, start + 1000).flatMap((id) => [now, id]));
  }
  await pipeline.exec();
  return { added, removed };
  }

  /**
   * Sources due now, each moved `leaseMs` ahead so that the following ticks do not pick them
   * again while their polls wait in the queue (see scripts/claim-due.lua).
   */
  async claimDueSources(now: number, leaseMs: number, limit = 1000): Promise<string[]> {
    return (await this.scripts.run('claim-due', [this.keys.schedule, this.keys.claims], [now, leaseMs, limit])) as string[];
  }

  /** Claims that end without a poll (a source the tick did not enqueue, a skipped poll). */
  async releaseClaims(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.multi().zrem(this.keys.claims, ...ids).hdel(this.keys.claimJobs, ...ids).exec();
  }

  /** Which batch job polls each claimed source (requeue-lost.lua checks that job is alive). */
  async recordClaimJobs(jobs: Array<{ jobId: string; ids: string[] }>): Promise<void> {
    const fields = jobs.flatMap(({ jobId, ids }) => ids.flatMap((id) => [id, jobId]));
    if (fields.length > 0) await this.redis.hset(this.keys.claimJobs, ...fields);
  }

  /** Claim sources for a poll now (run --once, refresh); returns those claimed (see scripts/claim-now.lua). */
  async claimNow(ids: string[], jobId: string, now: number, leaseMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.scripts.run('claim-now', [this.keys.schedule, this.keys.claims, this.keys.claimJobs], [now, leaseMs, jobId, ...ids])) as string[];
  }

  /** The sources among `ids` still claimed (their poll has not ended). */
  async stillClaimed(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const scores = await this.redis.zmscore(this.keys.claims, ...ids);
    return new Set(ids.filter((_, index) => scores[index] !== null && scores[index] !== undefined));
  }

  /**
   * Polls lost between a claim and their end: claims older than `before` whose batch job is gone
   * (or was never added) are due again at `now` (see scripts/requeue-lost.lua). `jobKey` names
   * the hash of a poll job. Returns the ids made due.
   */
  async requeueLostPolls(jobKey: (jobId: string) => string, before: number, now: number, limit = 500): Promise<string[]> {
    const old = await this.redis.zrangebyscore(this.keys.claims, '-inf', before, 'LIMIT', 0, limit);
    if (old.length === 0) return [];
    const jobs = await this.redis.hmget(this.keys.claimJobs, ...old);
    // A claim with no job recorded: a key that never exists stands in for its job.
    const jobKeys = jobs.map((jobId) => jobKey(jobId ?? 'none:never-added'));
    return (await this.scripts.run('requeue-lost', [this.keys.claims, this.keys.schedule, this.keys.claimJobs, ...jobKeys], [before, now, ...old])) as string[];
  }

  async nextPollTimes(ids: string[]): Promise<Map<string, number | null>> {
    if (ids.length === 0) return new Map();
    const scores = await this.redis.zmscore(this.keys.schedule, ...ids);
    return new Map(ids.map((id, index) => {
      const score = scores[index];
      return [id, score === null || score === undefined ? null : Number(score)];
    }));
  }

  /** A gone source stays on the schedule (so start-up sync keeps it) but is never due. */
  async parkSource(sourceId: string): Promise<void> {
    await this.redis.zadd(this.keys.schedule, 'XX', '+inf', sourceId);
  }

  /** Make a source due now (refresh, re-enable). */
  async scheduleNow(sourceId: string, now: number): Promise<void> {
    await this.redis.zadd(this.keys.schedule, now, sourceId);
  }

  /** Sources on the schedule that are due (for the operator's view). */
  async dueSources(now: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.schedule, '-inf', now, 'LIMIT', 0, limit);
  }

  /** Sources already on the schedule due now (XX: one removed meanwhile stays removed): a changed definition's wait is over. */
  async dueNow(ids: string[], now: number): Promise<void> {
    if (ids.length > 0) await this.redis.zadd(this.keys.schedule, 'XX', ...ids.flatMap((id) => [now, id]));
  }
}
