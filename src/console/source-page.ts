/**
 * A source's page (issue 20): its settings, its state and hold, the last polls (time,
 * result, HTTP status, bytes, fetch and wait time), its latest articles (and the stories
 * they merged into), and for an admin the forms to edit, pause or resume, refresh and remove.
 */
import type { SourceRow } from '../observe/source-rows.js';
import type { ApiSourceDetail } from './console-actions.js';
import { button, csrfField, escape, page, time, type Viewer } from './layout.js';

export interface SourcePageData {
  source: ApiSourceDetail;
  row: SourceRow;
  viewer: Viewer;
  now: Date;
  defaultInterval: string;
  readOnlyReason: string | null;
  notice: { text: string; error?: boolean } | null;
  /** The YAML to paste when the file could not be written. */
  paste: string | null;
}

function kilobytes(bytes: number | undefined): string {
  return bytes === undefined ? '' : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function outcomes(data: SourcePageData): string {
  const rows = data.source.outcomes.map((record) => `<tr><td>${time(record.at, data.now)}</td><td>${escape(record.result)}</td><td>${record.status ?? ''}</td><td class="num">${kilobytes(record.bytes)}</td><td class="num">${record.ms} ms</td><td class="num">${record.waitMs > 0 ? `${record.waitMs} ms` : ''}</td><td class="num">${record.created}</td></tr>`);
  return `<div class="table"><table id="outcomes"><thead><tr><th>when</th><th>result</th><th>HTTP</th><th>bytes</th><th>fetch</th><th>wait</th><th>new</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${rows.length === 0 ? '<p class="muted">Not polled yet.</p>' : ''}`;
}

function articles(data: SourcePageData): string {
  const id = data.source.id;
  const items = data.source.articles.map((article) => {
    const title = article.title ?? `(${article.id}: its text left the store's window)`;
    const link = article.url ? `<a href="${escape(article.url)}" rel="noopener noreferrer">${escape(title)}</a>` : escape(title);
    const others = article.sources.filter((other) => other !== id);
    const merged = article.firstSource !== id
      ? ` <span class="merged">merged into the story first seen from <a href="/sources/${encodeURIComponent(article.firstSource)}">${escape(article.firstSource)}</a></span>`
      : others.length > 0 ? ` <span class="muted">also from ${others.map((other) => escape(other)).join(', ')}</span>` : '';
    return `<li data-article="${escape(article.id)}">${link} <span class="muted">${article.publishedAt ? time(article.publishedAt, data.now) : ''}</span>${merged}</li>`;
  });
  return items.length > 0 ? `<ol id="articles">${items.join('')}</ol>` : '<p class="muted" id="articles">No articles yet.</p>';
}

function editForm(data: SourcePageData): string {
  const { source, viewer } = data;
  const base = `/sources/${encodeURIComponent(source.id)}`;
  if (!viewer.admin) return '';
  const via = (action: string, done: string) => ({ url: `/api/sources/${encodeURIComponent(source.id)}/${action}`, done: `${base}?done=${done}` });
  const readOnly = data.readOnlyReason ? `<p class="alert" id="config-read-only">${escape(data.readOnlyReason)}: changes cannot be saved here; the console shows the YAML to paste instead.</p>` : '';
  return `<h2>Change</h2>${readOnly}
<form class="stack" id="edit-form" method="post" action="${base}/edit">${csrfField(viewer)}
<label>Title <input name="title" value="${escape(source.title ?? '')}" maxlength="500"></label>
<label>Interval (e.g. 15m, 1h; empty: ${escape(data.defaultInterval)}) <input name="interval" value="${escape(source.interval ?? '')}" maxlength="20"></label>
<label>Tags (separated by commas) <input name="tags" value="${escape(source.tags.join(', '))}"></label>
<label>Keep only entries matching (one keyword or /regular expression/ per line; empty: all) <textarea name="include" rows="2">${escape(source.include.join('\n'))}</textarea></label>
<label>Drop entries matching (one per line) <textarea name="exclude" rows="2">${escape(source.exclude.join('\n'))}</textarea></label>
<button type="submit">Save</button></form>
<p>${source.enabled ? button(viewer, `${base}/pause`, 'Pause', '', via('pause', 'paused')) : button(viewer, `${base}/resume`, 'Resume', '', via('resume', 'resumed'))}${source.enabled ? button(viewer, `${base}/refresh`, 'Refresh now', '', via('refresh', 'refresh')) : ''}${button(viewer, `${base}/remove`, 'Remove…')}</p>`;
}

export function renderSourcePage(data: SourcePageData): string {
  const { source, row } = data;
  const hold = row.hold ? `<p class="hold" id="hold">${escape(row.hold.reason)} until ${time(row.hold.until, data.now)}</p>` : '';
  const error = row.lastError ? `<p class="alert" id="last-error"><code>${escape(row.lastError.code)}</code> ${escape(row.lastError.message)}</p>` : '';
  const paste = data.paste ? `<h2>YAML to paste</h2><pre class="yaml" id="paste">${escape(data.paste)}</pre>` : '';
  const body = `<h1>${escape(source.title ?? source.id)}</h1>
<p class="state-${escape(row.health)}"><span class="state" id="state">${escape(row.health)}</span> · ${source.articlesLastDay} articles in the last 24 h</p>
${error}${hold}${paste}
<dl class="settings" id="settings">
<dt>id</dt><dd>${escape(source.id)}</dd>
<dt>URL</dt><dd><a href="${escape(source.url)}" rel="noopener noreferrer">${escape(source.url)}</a>${row.effectiveUrl !== row.url ? ` (polled at ${escape(row.effectiveUrl)})` : ''}</dd>
<dt>interval</dt><dd id="interval">${escape(source.interval ?? `${data.defaultInterval} (default)`)}</dd>
<dt>tags</dt><dd>${source.tags.map((tag) => `<span class="tag">${escape(tag)}</span>`).join('') || '<span class="muted">none</span>'}</dd>
<dt>filters</dt><dd id="filters">${source.include.length + source.exclude.length === 0 ? '<span class="muted">none</span>' : `${source.include.map((item) => `keep <code>${escape(item)}</code>`).concat(source.exclude.map((item) => `drop <code>${escape(item)}</code>`)).join(', ')}`}</dd>
<dt>enabled</dt><dd id="enabled">${source.enabled ? 'yes' : 'no (paused)'}</dd>
<dt>last poll</dt><dd>${time(row.lastPollAt, data.now)}</dd>
<dt>last success</dt><dd>${time(row.lastSuccessAt, data.now)}</dd>
<dt>next poll</dt><dd>${row.nextPollAt ? time(row.nextPollAt, data.now) : '<span class="muted">none</span>'}</dd>
<dt>failures in a row</dt><dd>${row.consecutiveFailures}</dd>
</dl>
${editForm(data)}
<h2>Last polls</h2>
${outcomes(data)}
<h2>Latest articles</h2>
${articles(data)}
`;
  return page(`${source.title ?? source.id} — feedagg`, data.viewer, body, data.notice);
}

/** Asks before a source is removed (a form, so it needs no script). */
export function renderRemovePage(id: string, viewer: Viewer): string {
  const base = `/sources/${encodeURIComponent(id)}`;
  return page(`Remove ${id} — feedagg`, viewer, `<h1>Remove ${escape(id)}?</h1><p>Its lines leave the config file; its articles stay until they age out.</p>${button(viewer, `${base}/remove?confirm=1`, `Remove ${id}`)}<a href="${base}">Keep it</a>`);
}
