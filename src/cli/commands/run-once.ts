/**
 * `feedagg run --once`: poll every enabled source once through the queues (a poll already in
 * flight for a source counts: wait for it), publish, print a summary, exit 0 or 3. Sources
 * that are gone, disabled, or whose host is under a Retry-After are skipped, with the reason.
 */
import { publishNow } from '../../../jobs/publish-feeds.js';
import { loadConfig, resolveConfigPath } from '../../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import type { PollOutcome } from '../../model/source-state.js';
import { createLogger } from '../../runtime/logger.js';
import { createPollProcessor } from '../../../jobs/poll-source.js';
import { startPollNow, type PollNow } from '../../runtime/poll-now.js';
import { runOneShot } from '../../runtime/one-shot.js';
import { joinDeployment, runningStart } from '../../runtime/join-deployment.js';
import { syncSources, type Runtime } from '../../runtime/runtime.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary, type SummaryRow } from '../summary-table.js';

function progress(outcome: PollOutcome, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const mark = outcome.skipped ? '-' : outcome.ok ? '✓' : '✗';
  const detail = outcome.skipped ? ` (skipped)` : outcome.ok ? ` (${outcome.created} new)` : `: ${outcome.error?.code}`;
  process.stderr.write(`[${done}/${total}] ${mark} ${outcome.sourceId}${detail}\n`);
}

/** Every source goes through the poll job, which alone decides whether to skip it and why. */
async function pollAll(runtime: Runtime, pollNow: PollNow, finished: PollOutcome[]): Promise<SummaryRow[]> {
  const sources = runtime.context.sources.all();
  const outcomes = await pollNow.pollMany(sources.map((source) => source.id), (outcome) => {
    finished.push(outcome);
    progress(outcome, finished.length, sources.length);
  });
  return outcomes.map((outcome) => ({ outcome }));
}

export const runCommand: Command = {
  name: 'run',
  usage: 'Usage: feedagg run --once [--config PATH]\n\nExit 0 when every polled source was fine, 3 when some failed (the output is still published), 1 on a fatal error.\nGone and disabled sources, and sources whose host is under a Retry-After, are skipped and say why.',
  options: { once: { type: 'boolean' } },
  async run(args) {
    if (!args.values.once) throw new FeedaggError('CONFIG', `feedagg run: only --once is supported; use "feedagg start" to run continuously\n\n${this.usage}`);
    const path = resolveConfigPath(stringOption(args, 'config'));
    const config = await loadConfig(path);
    const log = createLogger();
    const finished: PollOutcome[] = [];
    let total = config.sources.length;
    try {
      return await runOneShot(config, log, async (runtime) => {
        // Beside a running start, its deployment is the truth: its sources, settings and
        // outputs (this file's deployment keys are ignored, with a warning). Alone, this file
        // is the deployment, published as start would.
        const owner = await runningStart(runtime.context.store);
        if (owner) {
          log.info({ start: owner }, 'feedagg start is running on this Redis: polling its deployment');
          await joinDeployment(runtime, path);
        } else {
          await syncSources(runtime);
        }
        total = runtime.context.sources.size;
        const rows = await pollAll(runtime, await startPollNow(runtime, createPollProcessor(runtime.context, { requestPublish: false })), finished);
        const published = await publishNow(runtime.context);
        log.info({ items: published.items, written: published.written }, 'published');
        const pacer = runtime.context.heapPacer;
        log.debug({ collections: pacer.collections, ms: Math.round(pacer.collectingMs) }, 'garbage collections after polls');
        process.stdout.write(formatSummary(rows));
        return rows.every((row) => row.outcome.ok) ? EXIT.ok : EXIT.someSourcesFailed;
      });
    } catch (error) {
      // Stopped early (a signal, Redis gone): what finished is still worth printing.
      if (finished.length > 0) {
        process.stdout.write(formatSummary(finished.map((outcome) => ({ outcome }))));
        process.stdout.write(finished.length >= total
          ? 'every source was polled; the publish failed, so the published files are as they were\n'
          : `${finished.length} of ${total} sources finished before the run stopped; nothing was published\n`);
      }
      throw error;
    }
  },
};
