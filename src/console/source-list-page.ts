/**
 * The status page at `/`: server-rendered HTML, no script, readable on a phone. One row per
 * source (state, last poll, HTTP status, last error, next poll, items seen), the queue counts,
 * the last publish and links to every output and to /opml.xml. Everything that came from a
 * feed or a server (titles, URLs, error messages) is escaped.
 */
import { escapeUTF8 as escapeMarkup } from 'entities';
import type { SourceRow } from '../observe/source-rows.js';
import { healthRank, SOURCE_HEALTH } from '../observe/source-health.js';

export interface StatusData {
  title: string;
  rows: SourceRow[];
  queues: Array<{ name: string; counts: Record<string, number> }>;
  lastPublishAt: string | null;
  /** The last publish failed (until a good one): when and why. */
  publishError: { at: string; message: string } | null;
  /** Output folders that cannot be written (checked at start-up and reload). */
  outputProblem: string | null;
  /** Paths of the published documents. */
  documents: string[];
  now: Date;
}

function time(iso: string | null, now: Date): string {
  if (!iso) return '<span class="muted">never</span>';
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const span = Math.abs(seconds);
  const amount = span < 90 ? `${span} s` : span < 5400 ? `${Math.round(span / 60)} min` : span < 172_800 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86_400)} d`;
  return `<time datetime="${escapeMarkup(iso)}" title="${escapeMarkup(iso)}">${seconds < 0 ? `${amount} ago` : `in ${amount}`}</time>`;
}

/** The last polls as marks, newest first, each with its time and result on hover. */
function history(row: SourceRow): string {
  return row.recentOutcomes.map((record) => {
    const mark = record.result === 'ok' || record.result === 'not-modified' ? '✓' : record.result === 'skipped' ? '–' : '✗';
    const label = `${record.at}: ${record.result}${record.status ? ` (HTTP ${record.status})` : ''}${record.waitMs > 0 ? `, waited ${record.waitMs} ms` : ''}`;
    return `<span class="mark mark-${mark === '✓' ? 'ok' : mark === '✗' ? 'fail' : 'skip'}" title="${escapeMarkup(label)}">${mark}</span>`;
  }).join('');
}

function sourceRow(row: SourceRow, now: Date): string {
  const error = row.lastError ? `<code>${escapeMarkup(row.lastError.code)}</code> ${escapeMarkup(row.lastError.message)}` : '';
  const hold = row.hold ? `<div class="hold">${escapeMarkup(row.hold.reason)} until ${time(row.hold.until, now)}</div>` : '';
  return [
    `<tr class="source state-${escapeMarkup(row.health)}" data-source="${escapeMarkup(row.id)}">`,
    `<td><a href="${escapeMarkup(row.effectiveUrl)}" rel="noopener noreferrer">${escapeMarkup(row.id)}</a></td>`,
    `<td class="state">${escapeMarkup(row.health)}</td>`,
    `<td>${time(row.lastPollAt, now)}</td>`,
    `<td>${time(row.lastSuccessAt, now)}</td>`,
    `<td>${row.lastStatus ?? ''}</td>`,
    `<td class="num">${row.consecutiveFailures}</td>`,
    `<td class="num">${row.waitMs > 0 ? `${(row.waitMs / 1000).toFixed(1)} s` : ''}</td>`,
    `<td class="error">${error}${hold}</td>`,
    `<td>${row.nextPollAt ? time(row.nextPollAt, now) : ''}</td>`,
    `<td class="num">${row.itemsSeen}</td>`,
    `<td class="history">${history(row)}</td>`,
    '</tr>',
  ].join('');
}

/** "17 sources: 13 failing, 4 ok" in the order an operator acts on. */
function headline(rows: SourceRow[]): string {
  const counts = SOURCE_HEALTH.map((health) => [health, rows.filter((row) => row.health === health).length] as const).filter(([, count]) => count > 0);
  const parts = counts.map(([health, count]) => `<span class="state-${health}"><span class="state">${count} ${health}</span></span>`);
  return `${rows.length} source${rows.length === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}.muted{color:#777}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right}.state-failing .state{color:#b00020;font-weight:600}.state-failing td{background:#fff4f4}.state-held .state{color:#b35900;font-weight:600}.state-retired .state{color:#777;font-weight:600}.state-disabled{color:#777}
.hold{color:#b35900}.mark{font-size:.8em;margin-right:1px}.mark-ok{color:#2e7d32}.mark-fail{color:#b00020}.mark-skip{color:#777}td.history{white-space:nowrap}
.alert{color:#b00020;font-weight:600}td.error{max-width:28rem;overflow-wrap:anywhere}ul.links{padding-left:1.2rem}code{font-size:.9em}`;

export function renderStatusPage(data: StatusData): string {
  const queueRows = data.queues.map((queue) => `<tr><td>${escapeMarkup(queue.name)}</td>${['waiting', 'active', 'delayed', 'failed'].map((state) => `<td class="num">${queue.counts[state] ?? 0}</td>`).join('')}</tr>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(data.title)} — feedagg status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeMarkup(data.title)}</h1>
<p id="summary">${headline(data.rows)}. Last publish: ${time(data.lastPublishAt, data.now)}.</p>
${data.publishError ? `<p id="publish-error" class="alert">The last publish failed ${time(data.publishError.at, data.now)}: ${escapeMarkup(data.publishError.message)}</p>` : ''}${data.outputProblem ? `<p id="output-problem" class="alert">${escapeMarkup(data.outputProblem)}</p>` : ''}
<h2>Outputs</h2>
<ul class="links">${data.documents.map((path) => `<li><a href="${escapeMarkup(path)}">${escapeMarkup(path)}</a></li>`).join('')}<li><a href="/opml.xml">/opml.xml</a> (the sources as OPML)</li><li><a href="/metrics">/metrics</a></li></ul>
<h2>Queues</h2>
<div class="table"><table id="queues"><thead><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>failed</th></tr></thead><tbody>${queueRows.join('')}</tbody></table></div>
<h2>Sources</h2>
<div class="table"><table id="sources"><thead><tr><th>source</th><th>state</th><th>last poll</th><th>last ok</th><th>HTTP</th><th>fails</th><th>wait</th><th>last error</th><th>next poll</th><th>items</th><th>last polls</th></tr></thead>
<tbody>${[...data.rows].sort((a, b) => healthRank(a.health) - healthRank(b.health) || a.id.localeCompare(b.id)).map((row) => sourceRow(row, data.now)).join('\n')}</tbody></table></div>
</body>
</html>
`;
}
