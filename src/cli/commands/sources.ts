/** `feedagg sources [--json]`: what every source is doing. `feedagg refresh <id>`: poll one now. */
import { loadConfig, resolveConfigPath } from '../../../config/load-config.js';
import { FeedaggError } from '../../errors.js';
import { sourceRows, type SourceRow } from '../../observe/source-rows.js';
import { healthRank } from '../../observe/source-health.js';
import { BACKLOG_ADVICE, describeBacklog, eventBacklog } from '../../queue/event-backlog.js';
import { createLogger } from '../../runtime/logger.js';
import { createPollProcessor } from '../../../jobs/poll-source.js';
import { joinDeployment } from '../../runtime/join-deployment.js';
import { startPollNow } from '../../runtime/poll-now.js';
import { runOneShot } from '../../runtime/one-shot.js';
import { pollUrl } from '../../schedule/source-transition.js';
import { stringOption, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary } from '../summary-table.js';
import { formatTable } from '../text-table.js';

function ago(iso: string | null, now: number): string {
  if (!iso) return '-';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 90 ? `${abs}s` : abs < 5400 ? `${Math.round(abs / 60)}m` : abs < 172_800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86_400)}d`;
  return seconds <= 0 ? `${text} ago` : `in ${text}`;
}

/** Text of at most `max` characters, cut at a word with an ellipsis (the whole error is in --json). */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, space > max / 2 ? space : max - 1).trimEnd()}…`;
}

/** Sources that need the operator first (failing, held, retired), then by id: the same order every time. */
export function sortRows(rows: SourceRow[]): SourceRow[] {
  return [...rows].sort((a, b) => healthRank(a.health) - healthRank(b.health) || a.id.localeCompare(b.id));
}

/** What the operator should read first: the hold (why it is not polled), else the error. */
function note(row: SourceRow, now: number): string {
  if (row.hold) return `${row.hold.reason} until ${row.hold.until} (${ago(row.hold.until, now)})`;
  if (row.lastError) return cutAtWord(`${row.lastError.code}: ${row.lastError.message}`, 60);
  return '-';
}

export function formatSourceTable(rows: SourceRow[], now: number): string {
  const header = ['ID', 'STATE', 'LAST POLL', 'LAST OK', 'HTTP', 'FAILS', 'WAIT', 'ITEMS', 'NEXT POLL', 'LAST ERROR', 'URL'];
  const body = rows.map((row) => [
    row.id, row.health, ago(row.lastPollAt, now), ago(row.lastSuccessAt, now), row.lastStatus === null ? '-' : String(row.lastStatus), String(row.consecutiveFailures),
    row.waitMs > 0 ? `${(row.waitMs / 1000).toFixed(1)}s` : '-', String(row.itemsSeen), ago(row.nextPollAt, now), note(row, now),
    row.effectiveUrl && row.effectiveUrl !== row.url ? `${row.url} → ${row.effectiveUrl}` : row.url,
  ]);
  return `${formatTable([header, ...body])}\n`;
}

export const sourcesCommand: Command = {
  name: 'sources',
  usage: 'Usage: feedagg sources [--json] [--config PATH]\n\nOne row per source, those that need you first. STATE: failing|held|retired|polling|new|ok|disabled (the status page and\n/metrics say the same). --json: id, url, effectiveUrl, health, state (the stored lifecycle: active|failing|gone|disabled),\nlastPollAt, lastSuccessAt, lastStatus, lastError (whole), nextPollAt, consecutiveFailures, hold, waitMs,\nrecentOutcomes (the last 20), etag, lastModified, itemsSeen.\nThe table ends with the number of article events waiting for a consumer.',
  options: { json: { type: 'boolean' } },
  async run(args) {
    const config = await loadConfig(resolveConfigPath(stringOption(args, 'config')));
    return runOneShot(config, createLogger(process.env.LOG_LEVEL ?? 'warn'), async (runtime) => {
      // The deployment feedagg start publishes (it may have reloaded), else this config's.
      await joinDeployment(runtime, null);
      const rows = sortRows(await sourceRows(runtime.context, runtime.context.sources.all()));
      if (args.values.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const { store, queues } = runtime.context;
        const backlog = await eventBacklog(store, queues.articles);
        const { articles } = runtime.context.config;
        const advice = articles.enabled && backlog.waiting + backlog.outbox >= articles.warnBacklog && articles.warnBacklog > 0 ? ` (over articles.warnBacklog: ${BACKLOG_ADVICE})` : '';
        process.stdout.write(`${formatSourceTable(rows, Date.now())}\n${describeBacklog(backlog)}${advice}\n`);
      }
      return EXIT.ok;
    }, { privateRedis: false });
  },
};

export const refreshCommand: Command = {
  name: 'refresh',
  usage: 'Usage: feedagg refresh <source-id> [--config PATH]\n\nExit 0 when the poll succeeded, 3 when it failed, 1 on a fatal error.',
  options: {},
  allowPositionals: true,
  async run(args) {
    const id = args.positionals[0];
    if (!id) throw new FeedaggError('CONFIG', `feedagg refresh: a source id is required\n\n${this.usage}`);
    const config = await loadConfig(resolveConfigPath(stringOption(args, 'config')));
    return runOneShot(config, createLogger(process.env.LOG_LEVEL ?? 'warn'), async (runtime) => {
      const { store } = runtime.context;
      // The sources feedagg start publishes, else (nothing published yet) this config's: a
      // source just added to the file is known as soon as start has reloaded it.
      await joinDeployment(runtime, null);
      const source = await runtime.context.sources.lookup(id);
      if (!source) throw new FeedaggError('CONFIG', `feedagg refresh: no source "${id}" in the config or among the sources feedagg start publishes`);
      if (!source.enabled) throw new FeedaggError('CONFIG', `feedagg refresh: source "${id}" is disabled in the config (enabled: false)`);
      // An operator's refresh is the re-enable of DESIGN.md: a clean slate for the standing, and
      // the hold a Retry-After put on the source's own host is lifted.
      const host = new URL(pollUrl(source.url, await store.sources.readSourceState(id))).hostname;
      if (await store.hosts.releaseHost(host)) runtime.context.log.warn({ source: id, host }, 'refresh lifted the Retry-After hold on the host');
      await store.sources.updateSourceState(id, { state: 'active', consecutiveFailures: 0, firstFailureAt: null });
      await store.schedule.scheduleNow(id, runtime.context.now().getTime());
      const outcome = await (await startPollNow(runtime, createPollProcessor(runtime.context))).poll(id);
      process.stdout.write(formatSummary([{ outcome }]));
      return outcome.ok ? EXIT.ok : EXIT.someSourcesFailed;
    }, { privateRedis: false });
  },
};
