/**
 * The console's front page at `/` (issue 20; the status page of issue 12 before it):
 * server-rendered, readable on a phone. One row per source (state in the one vocabulary,
 * last poll and success, HTTP status, last error, next poll, items, the last polls, articles
 * of the last 24 h, tags), failing first, filtered by state and tag; the outputs with their
 * latest items; the queues and the last publish. Signed in, an admin also sees the add form.
 * Everything that came from a feed or a server is escaped.
 */
import type { SourceRow } from '../observe/source-rows.js';
import { healthRank, SOURCE_HEALTH } from '../observe/source-health.js';
import type { OutputView } from './console-data.js';
import { ANONYMOUS, csrfField, escape, page, time, type Viewer } from './layout.js';

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
  viewer?: Viewer;
  /** Tags of each source (from its definition). */
  tags?: Map<string, string[]>;
  /** Articles of each source among those published in the last 24 h; `capped`: lower bounds. */
  lastDay?: { counts: Map<string, number>; capped: boolean };
  outputs?: OutputView[];
  /** The list shown: only this state, only this tag. */
  filter?: { state: string | null; tag: string | null };
  /** Why the console cannot write the config file, when it cannot. */
  readOnlyReason?: string | null;
  notice?: { text: string; error?: boolean } | null;
}

/** The last polls as marks, newest first, each with its time and result on hover. */
function history(row: SourceRow): string {
  return row.recentOutcomes.map((record) => {
    const mark = record.result === 'ok' || record.result === 'not-modified' ? '✓' : record.result === 'skipped' ? '–' : '✗';
    const label = `${record.at}: ${record.result}${record.status ? ` (HTTP ${record.status})` : ''}${record.waitMs > 0 ? `, waited ${record.waitMs} ms` : ''}`;
    return `<span class="mark mark-${mark === '✓' ? 'ok' : mark === '✗' ? 'fail' : 'skip'}" title="${escape(label)}">${mark}</span>`;
  }).join('');
}

function sourceRow(row: SourceRow, data: StatusData): string {
  const now = data.now;
  const error = row.lastError ? `<code>${escape(row.lastError.code)}</code> ${escape(row.lastError.message)}` : '';
  const hold = row.hold ? `<div class="hold">${escape(row.hold.reason)} until ${time(row.hold.until, now)}</div>` : '';
  const tags = data.tags?.get(row.id) ?? [];
  const cells: Array<[string, string, string]> = [
    ['source', '', `<a href="/sources/${encodeURIComponent(row.id)}">${escape(row.id)}</a>`],
    ['state', 'state', escape(row.health)],
    ['last poll', '', time(row.lastPollAt, now)],
    ['last ok', '', time(row.lastSuccessAt, now)],
    ['HTTP', '', `${row.lastStatus ?? ''}`],
    ['fails', 'num', `${row.consecutiveFailures}`],
    ['wait', 'num', row.waitMs > 0 ? `${(row.waitMs / 1000).toFixed(1)} s` : ''],
    ['last error', 'error', `${error}${hold}`],
    ['next poll', '', row.nextPollAt ? time(row.nextPollAt, now) : ''],
    ['items', 'num', `${row.itemsSeen}`],
    ['last polls', 'history', history(row)],
    ['24 h', 'num', data.lastDay ? `${data.lastDay.counts.get(row.id) ?? 0}` : ''],
    ['tags', 'tags', tags.map((tag) => `<span class="tag">${escape(tag)}</span>`).join('')],
  ];
  // data-label: at phone width each row is a card and every value says what it is (CSS only).
  return [
    `<tr class="source state-${escape(row.health)}" data-source="${escape(row.id)}">`,
    ...cells.map(([label, className, html]) => `<td data-label="${label}"${className ? ` class="${className}"` : ''}>${html}</td>`),
  ].join('');
}

/** "17 sources: 13 failing, 4 ok" in the order an operator acts on. */
function headline(rows: SourceRow[]): string {
  const counts = SOURCE_HEALTH.map((health) => [health, rows.filter((row) => row.health === health).length] as const).filter(([, count]) => count > 0);
  const parts = counts.map(([health, count]) => `<span class="state-${health}"><span class="state">${count} ${health}</span></span>`);
  return `${rows.length} source${rows.length === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function filterForm(data: StatusData): string {
  const state = data.filter?.state ?? null;
  const tag = data.filter?.tag ?? null;
  const tags = [...new Set([...(data.tags?.values() ?? [])].flat())].sort();
  const option = (value: string, current: string | null) => `<option value="${escape(value)}"${value === current ? ' selected' : ''}>${escape(value)}</option>`;
  return `<form class="filters" method="get" action="/"><label>State <select name="state"><option value="">all</option>${SOURCE_HEALTH.map((health) => option(health, state)).join('')}</select></label><label>Tag <select name="tag"><option value="">all</option>${tags.map((name) => option(name, tag)).join('')}</select></label><button type="submit">Show</button></form>`;
}

function addForm(viewer: Viewer, readOnlyReason: string | null | undefined): string {
  if (!viewer.admin) return '';
  const warning = readOnlyReason ? `<p class="alert" id="config-read-only">${escape(readOnlyReason)}: changes cannot be saved here; the console shows the YAML to paste instead.</p>` : '';
  return `<h2>Add a source</h2>${warning}<form class="filters" id="add-form" method="post" action="/console/discover">${csrfField(viewer)}<label>Feed or site URL <input type="url" name="url" required size="40" placeholder="https://example.com/"></label><label class="check"><input type="checkbox" name="allowPrivateNetworks" value="true"> on a private network</label><button type="submit">Find feeds</button></form>`;
}

function outputsBlock(data: StatusData): string {
  if (!data.outputs) return `<ul class="links">${data.documents.map((path) => `<li><a href="${escape(path)}">${escape(path)}</a></li>`).join('')}<li><a href="/opml.xml">/opml.xml</a> (the sources as OPML)</li><li><a href="/metrics">/metrics</a></li></ul>`;
  const outputs = data.outputs.map((output) => `<div class="card output"><strong>${escape(output.title)}</strong> ${output.paths.map((path) => `<a href="${escape(path)}">${escape(path)}</a>`).join(' ')}<ol>${output.latest.map((item) => `<li>${item.url ? `<a href="${escape(item.url)}" rel="noopener noreferrer">${escape(item.title)}</a>` : escape(item.title)} <span class="muted">(${escape(item.sourceId)})</span></li>`).join('')}</ol>${output.latest.length === 0 ? '<p class="muted">Nothing published yet.</p>' : ''}</div>`);
  return `${outputs.join('')}<ul class="links"><li><a href="/opml.xml">/opml.xml</a> (the sources as OPML)</li><li><a href="/metrics">/metrics</a></li></ul>`;
}

export function renderStatusPage(data: StatusData): string {
  const viewer = data.viewer ?? ANONYMOUS;
  const queueRows = data.queues.map((queue) => `<tr><td>${escape(queue.name)}</td>${['waiting', 'active', 'delayed', 'failed'].map((state) => `<td class="num">${queue.counts[state] ?? 0}</td>`).join('')}</tr>`);
  const shown = data.rows.filter((row) => (!data.filter?.state || row.health === data.filter.state) && (!data.filter?.tag || (data.tags?.get(row.id) ?? []).includes(data.filter.tag)));
  const sorted = [...shown].sort((a, b) => healthRank(a.health) - healthRank(b.health) || a.id.localeCompare(b.id));
  const body = `<h1>${escape(data.title)}</h1>
<p id="summary">${headline(data.rows)}. Last publish: ${time(data.lastPublishAt, data.now)}.</p>
${data.publishError ? `<p id="publish-error" class="alert">The last publish failed ${time(data.publishError.at, data.now)}: ${escape(data.publishError.message)}</p>` : ''}${data.outputProblem ? `<p id="output-problem" class="alert">${escape(data.outputProblem)}</p>` : ''}
${addForm(viewer, data.readOnlyReason)}
<h2>Sources</h2>
${filterForm(data)}
<div class="table"><table id="sources"><thead><tr><th>source</th><th>state</th><th>last poll</th><th>last ok</th><th>HTTP</th><th>fails</th><th>wait</th><th>last error</th><th>next poll</th><th>items</th><th>last polls</th><th>24 h${data.lastDay?.capped ? ' (at least)' : ''}</th><th>tags</th></tr></thead>
<tbody>${sorted.map((row) => sourceRow(row, data)).join('\n')}</tbody></table></div>
<h2>Outputs</h2>
${outputsBlock(data)}
<h2>Queues</h2>
<div class="table"><table id="queues"><thead><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>failed</th></tr></thead><tbody>${queueRows.join('')}</tbody></table></div>
`;
  return page(`${data.title} — feedagg status`, viewer, body, data.notice ?? null);
}
