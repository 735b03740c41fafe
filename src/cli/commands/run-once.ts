/**
 * `feedagg run --once`: poll every enabled source once through the queues (a poll already in
 * flight for a source counts: wait for it), publish, print a summary, exit 0 or 3.
 */
import { QueueEvents } from 'bullmq';
import { loadConfig, resolveConfigPath } from '../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import type { PollOutcome } from '../../model/source-state.js';
import { publishOutputs } from '../../publish/publish-outputs.js';
import { enqueuePoll } from '../../queue/enqueue-poll.js';
import { QUEUE_NAMES } from '../../queue/names.js';
import { createLogger } from '../../runtime/logger.js';
import { openRuntime, startWorkers, syncSources } from '../../runtime/runtime.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary, type SummaryRow } from '../summary-table.js';

function failedOutcome(sourceId: string, error: unknown): PollOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return { sourceId, ok: false, status: null, notModified: false, entries: 0, created: 0, merged: 0, error: { code: 'INTERNAL', message }, durationMs: 0 };
}

function progress(outcome: PollOutcome, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const mark = outcome.ok ? '✓' : '✗';
  process.stderr.write(`[${done}/${total}] ${mark} ${outcome.sourceId}${outcome.ok ? ` (${outcome.created} new)` : `: ${outcome.error?.code}`}\n`);
}

export const runCommand: Command = {
  name: 'run',
  summary: 'poll every enabled source once, publish, print a per-source summary, exit',
  usage: 'Usage: feedagg run --once [--config PATH]\n\nExit 0 when every source was polled fine, 3 when some failed (the output is still published), 1 on a fatal error.',
  options: { once: { type: 'boolean' } },
  async run(args) {
    if (!args.values.once) throw new FeedaggError('CONFIG', `feedagg run: only --once is supported; use "feedagg start" to run continuously\n\n${this.usage}`);
    const config = await loadConfig(resolveConfigPath(stringOption(args, 'config')));
    const log = createLogger();
    const runtime = await openRuntime(config, log);
    try {
      await syncSources(runtime);
      startWorkers(runtime);
      const events = new QueueEvents(QUEUE_NAMES.poll, { connection: runtime.context.redis, prefix: config.redis.prefix });
      runtime.queueEvents.push(events);
      await events.waitUntilReady();
      const sources = config.sources.filter((source) => source.enabled);
      let done = 0;
      const outcomes = await Promise.all(sources.map(async (source) => {
        const job = await enqueuePoll(runtime.context.queues.poll, source.id);
        const outcome = await job.waitUntilFinished(events).then((value) => value as PollOutcome, (error: unknown) => failedOutcome(source.id, error));
        progress(outcome, ++done, sources.length);
        return outcome;
      }));
      const published = await publishOutputs(runtime.context.redis, runtime.context.keys, config, runtime.context.now());
      log.info({ items: published.items, written: published.written }, 'published');
      const rows: SummaryRow[] = outcomes.map((outcome) => ({ outcome }));
      process.stdout.write(formatSummary(rows));
      return outcomes.every((outcome) => outcome.ok) ? EXIT.ok : EXIT.someSourcesFailed;
    } finally {
      await runtime.close();
    }
  },
};
