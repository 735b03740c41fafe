/**
 * Adding sources in the console (issue 20): the URL form, what discovery found (a feed, or the
 * feeds a site offers, each with a preview of its entries read by the same reader as a poll)
 * with a form per feed to add it, the OPML import with its dry-run list, and the sign-in form.
 */
import type { OpmlPlan } from './opml-import.js';
import type { Discovery, FeedPreview } from './discover.js';
import { csrfField, escape, page, time, type Viewer } from './layout.js';

function preview(feed: FeedPreview, now: Date): string {
  const entries = feed.entries.map((entry) => `<li>${entry.url ? `<a href="${escape(entry.url)}" rel="noopener noreferrer">${escape(entry.title)}</a>` : escape(entry.title)} <span class="muted">${entry.publishedAt ? time(entry.publishedAt, now) : ''}</span></li>`);
  return `<ol class="preview">${entries.join('')}</ol>${feed.entryCount > feed.entries.length ? `<p class="muted">and ${feed.entryCount - feed.entries.length} more</p>` : ''}`;
}

function candidate(feed: FeedPreview, index: number, suggestedId: string, allowPrivate: boolean, viewer: Viewer, now: Date): string {
  return `<div class="card candidate" data-feed="${escape(feed.url)}">
<strong>${escape(feed.title ?? feed.url)}</strong> <span class="muted">${escape(feed.format)}, ${feed.entryCount} entries</span><div><code>${escape(feed.url)}</code></div>
${preview(feed, now)}
<form class="stack" method="post" action="/console/add">${csrfField(viewer)}
<input type="hidden" name="url" value="${escape(feed.url)}">${allowPrivate ? '<input type="hidden" name="allowPrivateNetworks" value="true">' : ''}
<label>id <input name="id" value="${escape(suggestedId)}" required maxlength="64" id="id-${index}"></label>
<label>Title (empty: the feed's own) <input name="title" maxlength="500"></label>
<label>Tags (separated by commas) <input name="tags"></label>
<label>Interval (e.g. 15m; empty: the default) <input name="interval" maxlength="20"></label>
<button type="submit">Add this feed</button></form></div>`;
}

export function renderAddPage(viewer: Viewer, options: { url?: string; found?: Discovery; ids?: string[]; allowPrivate?: boolean; now: Date; notice?: { text: string; error?: boolean } | null; paste?: string | null }): string {
  const found = options.found;
  const feeds = found ? (found.kind === 'feed' ? [found.feed] : found.feeds) : [];
  const intro = found?.kind === 'site' ? `<p id="discovered">${escape(found.url)} is a site; it offers ${feeds.length} feed${feeds.length === 1 ? '' : 's'}:</p>` : found ? '<p id="discovered">This is a feed:</p>' : '';
  const failed = found?.kind === 'site' && found.failed.length > 0 ? `<p class="muted">Advertised but not readable: ${found.failed.map((item) => `${escape(item.url)} (${escape(item.code)})`).join(', ')}</p>` : '';
  const paste = options.paste ? `<h2>YAML to paste</h2><pre class="yaml" id="paste">${escape(options.paste)}</pre>` : '';
  const body = `<h1>Add a source</h1>${paste}
<form class="filters" id="add-form" method="post" action="/console/discover">${csrfField(viewer)}<label>Feed or site URL <input type="url" name="url" required size="40" value="${escape(options.url ?? '')}"></label><label class="check"><input type="checkbox" name="allowPrivateNetworks" value="true"${options.allowPrivate ? ' checked' : ''}> on a private network</label><button type="submit">Find feeds</button></form>
${intro}${failed}${feeds.map((feed, index) => candidate(feed, index, options.ids?.[index] ?? 'feed', options.allowPrivate ?? false, viewer, options.now)).join('')}`;
  return page('Add a source — feedagg', viewer, body, options.notice ?? null);
}

export function renderSignInPage(viewer: Viewer, notice: { text: string; error?: boolean } | null = null): string {
  const body = viewer.writable
    ? '<h1>Sign in</h1><form class="stack" id="sign-in" method="post" action="/console/sign-in"><label>Admin token <input type="password" name="token" required autocomplete="current-password"></label><button type="submit">Sign in</button></form>'
    : '<h1>Read-only</h1><p>No admin token is configured (http.adminToken or FEEDAGG_ADMIN_TOKEN): the console cannot change anything.</p>';
  return page('Sign in — feedagg', viewer, body, notice);
}

export function renderImportPage(viewer: Viewer, options: { opml?: string; plan?: OpmlPlan; notice?: { text: string; error?: boolean } | null; paste?: string | null }): string {
  const plan = options.plan;
  const list = plan ? `<h2>What an import adds</h2><div class="table"><table id="import-plan"><thead><tr><th>id</th><th>URL</th><th>title</th><th>tags</th><th></th></tr></thead><tbody>${[...plan.added.map((item) => ({ id: item.id, url: item.url, title: item.title ?? '', tags: (item.tags ?? []).join(', '), note: 'new' })), ...plan.skipped.map((item) => ({ id: '', url: item.url, title: '', tags: '', note: item.reason }))].map((item) => `<tr><td>${escape(item.id)}</td><td>${escape(item.url)}</td><td>${escape(item.title)}</td><td>${escape(item.tags)}</td><td>${escape(item.note)}</td></tr>`).join('')}</tbody></table></div>
${plan.added.length > 0 ? `<form method="post" action="/console/import">${csrfField(viewer)}<input type="hidden" name="opml" value="${escape(options.opml ?? '')}"><input type="hidden" name="confirm" value="1"><button type="submit">Add these ${plan.added.length} sources</button></form>` : '<p>Nothing to add.</p>'}` : '';
  const paste = options.paste ? `<h2>YAML to paste</h2><pre class="yaml" id="paste">${escape(options.paste)}</pre>` : '';
  const body = `<h1>Import OPML</h1>${paste}<form class="stack" method="post" action="/console/import">${csrfField(viewer)}<label>OPML (paste the file) <textarea name="opml" rows="10" required>${escape(options.opml ?? '')}</textarea></label><button type="submit">Show what it adds</button></form>${list}`;
  return page('Import OPML — feedagg', viewer, body, options.notice ?? null);
}
