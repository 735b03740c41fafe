/**
 * The status page at `/`: server-rendered HTML, no script, readable on a phone. One row per
 * source (state, last poll, HTTP status, last error, next poll, items seen), the queue counts,
 * the last publish and links to every output and to /opml.xml. Everything that came from a
 * feed or a server (titles, URLs, error messages) is escaped.
 */
import { escapeAttribute } from '../escape-markup.js';
import type { SourceRow } from '../observe/source-rows.js';

export interface StatusData {
  title: string;
  rows: SourceRow[];
  queues: Array<{ name: string; counts: Record<string, number> }>;
  lastPublishAt: string | null;
  /** Paths of the published documents. */
  documents: string[];
  now: Date;
}

function time(iso: string | null, now: Date): string {
  if (!iso) return '<span class="muted">never</span>';
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const span = Math.abs(seconds);
  const amount = span < 90 ? `${span} s` : span < 5400 ? `${Math.round(span / 60)} min` : span < 172_800 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86_400)} d`;
  return `<time datetime="${escapeAttribute(iso)}" title="${escapeAttribute(iso)}">${seconds < 0 ? `${amount} ago` : `in ${amount}`}</time>`;
}

function sourceRow(row: SourceRow, now: Date): string {
  const error = row.lastError ? `<code>${escapeAttribute(row.lastError.code)}</code> ${escapeAttribute(row.lastError.message)}` : '';
  return [
    `<tr class="source state-${escapeAttribute(row.state)}" data-source="${escapeAttribute(row.id)}">`,
    `<td><a href="${escapeAttribute(row.effectiveUrl)}" rel="noopener noreferrer">${escapeAttribute(row.id)}</a></td>`,
    `<td class="state">${escapeAttribute(row.state)}</td>`,
    `<td>${time(row.lastPollAt, now)}</td>`,
    `<td>${row.lastStatus ?? ''}</td>`,
    `<td class="error">${error}</td>`,
    `<td>${row.nextPollAt ? time(row.nextPollAt, now) : ''}</td>`,
    `<td class="num">${row.itemsSeen}</td>`,
    '</tr>',
  ].join('');
}

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}.muted{color:#777}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right}.state-failing td.state{color:#b35900;font-weight:600}.state-gone td.state{color:#b00020;font-weight:600}.state-disabled{color:#777}
td.error{max-width:28rem;overflow-wrap:anywhere}ul.links{padding-left:1.2rem}code{font-size:.9em}`;

export function renderStatusPage(data: StatusData): string {
  const failing = data.rows.filter((row) => row.state === 'failing' || row.state === 'gone').length;
  const queueRows = data.queues.map((queue) => `<tr><td>${escapeAttribute(queue.name)}</td>${['waiting', 'active', 'delayed', 'failed'].map((state) => `<td class="num">${queue.counts[state] ?? 0}</td>`).join('')}</tr>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(data.title)} — feedagg status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeAttribute(data.title)}</h1>
<p id="summary">${data.rows.length} source${data.rows.length === 1 ? '' : 's'}, ${failing} failing or gone. Last publish: ${time(data.lastPublishAt, data.now)}.</p>
<h2>Outputs</h2>
<ul class="links">${data.documents.map((path) => `<li><a href="${escapeAttribute(path)}">${escapeAttribute(path)}</a></li>`).join('')}<li><a href="/opml.xml">/opml.xml</a> (the sources as OPML)</li><li><a href="/metrics">/metrics</a></li></ul>
<h2>Queues</h2>
<div class="table"><table id="queues"><thead><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>failed</th></tr></thead><tbody>${queueRows.join('')}</tbody></table></div>
<h2>Sources</h2>
<div class="table"><table id="sources"><thead><tr><th>source</th><th>state</th><th>last poll</th><th>HTTP</th><th>last error</th><th>next poll</th><th>items</th></tr></thead>
<tbody>${data.rows.map((row) => sourceRow(row, data.now)).join('\n')}</tbody></table></div>
</body>
</html>
`;
}
