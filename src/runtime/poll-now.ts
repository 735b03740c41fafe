/**
 * Poll sources through the queue from this process and wait for every outcome (run --once,
 * refresh). The sources are claimed first (claim-now.lua) and queued in batches, as the tick
 * does; a source another process is polling already (claimed) is waited for, and its outcome
 * read from its state when its claim ends. Claims left by a crash are taken back after the
 * grace (requeue-lost.lua), so nothing waits forever.
 */
import { QueueEvents } from 'bullmq';
import { CLAIM_GRACE_MS, claimLease } from '../../jobs/schedule-tick.js';
import type { OutcomeRecord, PollOutcome } from '../model/source-state.js';
import { enqueueBatches, planBatches, type PlannedBatch } from '../queue/enqueue-poll.js';
import { QUEUE_NAMES } from '../queue/names.js';
import { emptyOutcome } from '../schedule/poll-decision.js';
import { hostOf } from '../store/source-state-store.js';
import { startWorkers, type Processors, type Runtime } from './runtime.js';

export interface PollNow {
  /** Poll these sources (or wait for the polls of them already running) and return every outcome, in order. */
  pollMany(sourceIds: string[], onOutcome?: (outcome: PollOutcome) => void): Promise<PollOutcome[]>;
  poll(sourceId: string): Promise<PollOutcome>;
}

function failedOutcome(sourceId: string, reason: string): PollOutcome {
  return { ...emptyOutcome(sourceId), error: { code: 'INTERNAL', message: reason } };
}

/** The outcome of a poll another process ran, as its source's history recorded it. */
function fromRecord(sourceId: string, record: OutcomeRecord | undefined): PollOutcome {
  if (!record) return failedOutcome(sourceId, 'polled by another process; no outcome recorded');
  const ok = record.result === 'ok' || record.result === 'not-modified';
  return {
    ...emptyOutcome(sourceId),
    ok,
    status: record.status,
    notModified: record.result === 'not-modified',
    skipped: record.result === 'skipped' ? 'polled by another process' : null,
    created: record.created,
    durationMs: record.ms,
    waitMs: record.waitMs,
    error: ok || record.result === 'skipped' ? null : { code: record.result, message: 'polled by another process (see feedagg sources)' },
  };
}

const WATCH_MS = 500;
/** How long a batch whose claims are all gone waits for its completion event before reading the records. */
const MISSED_EVENT_GRACE_MS = 3_000;
/** A record this much older than the wait began still counts as the poll waited for (clocks of two machines differ). */
const RECORD_SLACK_MS = 60_000;

/**
 * Start this process's workers and listen for batch completions. Listening starts before any
 * job is added, and every completion is kept until asked for, so none can slip by.
 */
export async function startPollNow(runtime: Runtime, poll: NonNullable<Processors['poll']>): Promise<PollNow> {
  // Polls only: run --once publishes once at the end, and ticks are the scheduler's business.
  startWorkers(runtime, { poll });
  const { bullConnection, config, queues, store } = runtime.context;
  const events = new QueueEvents(QUEUE_NAMES.poll, { connection: bullConnection, prefix: config.redis.prefix });
  runtime.queueEvents.push(events);
  events.on('error', (error: Error) => runtime.health.report('queue events poll', error));
  const ended = new Map<string, (outcomes: PollOutcome[] | string) => void>();
  const early = new Map<string, PollOutcome[] | string>();
  const settle = (jobId: string, result: PollOutcome[] | string) => {
    const waiter = ended.get(jobId);
    if (waiter) {
      ended.delete(jobId);
      waiter(result);
    } else {
      early.set(jobId, result);
    }
  };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, returnvalue as unknown as PollOutcome[]));
  events.on('failed', ({ jobId, failedReason }) => settle(jobId, failedReason));
  await events.waitUntilReady();
  const batchEnd = (jobId: string): Promise<PollOutcome[] | string> => {
    const done = early.get(jobId);
    early.delete(jobId);
    return done !== undefined ? Promise.resolve(done) : new Promise((resolve) => ended.set(jobId, resolve));
  };
  /**
   * The end of a batch without its event: every claim of the batch ends when its polls end (the
   * finish script removes them), so once none is left and the event has not come within a
   * grace, the sources' records say what happened. The event is the rule; this is what keeps a
   * missed one (a stream read lost with its connection) from making run --once wait forever.
   */
  const claimsEnd = async (batch: PlannedBatch, settled: () => boolean): Promise<PollOutcome[] | null> => {
    let goneSince: number | null = null;
    while (!settled()) {
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS * 4));
      if (settled()) return null;
      const open = await store.schedule.stillClaimed(batch.ids);
      if (open.size > 0) goneSince = null;
      else if (goneSince === null) goneSince = Date.now();
      else if (Date.now() - goneSince >= MISSED_EVENT_GRACE_MS) {
        const histories = await store.sources.readOutcomes(batch.ids);
        runtime.context.log.warn({ jobId: batch.jobId, sources: batch.ids.length }, 'a poll batch ended without its completion event; its outcomes come from the sources\' records');
        return batch.ids.map((id, index) => fromRecord(id, histories[index]?.[0]));
      }
    }
    return null;
  };
  const batchResult = (batch: PlannedBatch): Promise<PollOutcome[] | string> => {
    let settled = false;
    const byEvent = batchEnd(batch.jobId).finally(() => (settled = true));
    const byClaims = claimsEnd(batch, () => settled).then((outcomes) => outcomes ?? byEvent);
    return Promise.race([byEvent, byClaims]).finally(() => {
      settled = true;
      ended.delete(batch.jobId);
    });
  };

  const pollNow: PollNow = {
    async pollMany(sourceIds, onOutcome) {
      const outcomes = new Map<string, PollOutcome>();
      const give = (outcome: PollOutcome) => {
        if (outcomes.has(outcome.sourceId)) return;
        outcomes.set(outcome.sourceId, outcome);
        onOutcome?.(outcome);
      };
      const running: Array<Promise<void>> = [];
      // Polls this process runs are reported as each ends, not only when their batch does.
      const wanted = new Set(sourceIds);
      const listener = (outcome: PollOutcome) => {
        if (wanted.has(outcome.sourceId)) give(outcome);
      };
      runtime.context.pollListeners.add(listener);
      /** A source whose host another process polled: claimed and queued again when that host is free. */
      const later = (outcome: PollOutcome, until: number) => {
        running.push(new Promise((resolve) => setTimeout(resolve, Math.max(50, Math.min(until - Date.now(), 1_000)))).then(async () => {
          const elsewhere = await launch([outcome.sourceId]);
          if (elsewhere.length > 0) await watch(elsewhere);
        }));
      };
      /** Claim what is free among `ids` and queue it; returns the ids claimed elsewhere. */
      const launch = async (ids: string[]): Promise<string[]> => {
        const now = runtime.context.now().getTime();
        const planned = planBatches(ids, config.schedule.batchSize, (id) => hostOf(runtime.context.sources.get(id)?.url ?? ''));
        const claims = await Promise.all(planned.map((batch) => store.schedule.claimNow(batch.ids, batch.jobId, now, claimLease(config.schedule.tick))));
        const mine: PlannedBatch[] = planned.flatMap((batch, index) => ((claims[index]?.length ?? 0) > 0 ? [{ jobId: batch.jobId, ids: claims[index] ?? [] }] : []));
        await enqueueBatches(queues.poll, mine, runtime.context.sources.currentVersion ?? undefined);
        for (const batch of mine) {
          running.push(batchResult(batch).then((result) => {
            if (typeof result === 'string') for (const id of batch.ids) give(failedOutcome(id, result));
            else for (const outcome of result) {
              if (outcome.deferredUntil !== undefined) later(outcome, outcome.deferredUntil);
              else give(outcome);
            }
          }));
        }
        const taken = new Set(mine.flatMap((batch) => batch.ids));
        return ids.filter((id) => !taken.has(id));
      };
      /** Wait for the polls other processes run of `ids`, and read their outcomes. */
      const watch = async (ids: string[]): Promise<void> => {
        let elsewhere = ids;
        let lastRequeue = Date.now();
        const since = Date.now() - RECORD_SLACK_MS;
        while (elsewhere.length > 0) {
          await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
          const open = await store.schedule.stillClaimed(elsewhere);
          const finished = elsewhere.filter((id) => !open.has(id));
          const unrecorded: string[] = [];
          if (finished.length > 0) {
            const histories = await store.sources.readOutcomes(finished);
            finished.forEach((id, index) => {
              const record = histories[index]?.[0];
              // A claim given back without a record (a process stopped mid-poll): polled here instead.
              if (record && Date.parse(record.at) >= since) give(fromRecord(id, record));
              else unrecorded.push(id);
            });
          }
          elsewhere = elsewhere.filter((id) => open.has(id));
          if (unrecorded.length > 0) elsewhere = [...elsewhere, ...(await launch(unrecorded))];
          if (elsewhere.length > 0 && Date.now() - lastRequeue > 5_000) {
            // A claim whose batch died with its process: taken back after the grace, and polled here.
            lastRequeue = Date.now();
            const now = runtime.context.now().getTime();
            const freed = new Set(await store.schedule.requeueLostPolls((jobId) => queues.poll.toKey(jobId), now - CLAIM_GRACE_MS, now));
            if (freed.size > 0) elsewhere = [...elsewhere.filter((id) => !freed.has(id)), ...(await launch([...freed]))];
          }
        }
      };
      try {
        await watch(await launch([...new Set(sourceIds)]));
        while (running.length > 0) await Promise.all(running.splice(0));
      } finally {
        runtime.context.pollListeners.delete(listener);
      }
      return sourceIds.map((id) => outcomes.get(id) ?? failedOutcome(id, 'no outcome'));
    },
    async poll(sourceId) {
      const [outcome] = await pollNow.pollMany([sourceId]);
      return outcome ?? failedOutcome(sourceId, 'no outcome');
    },
  };
  return pollNow;
}
