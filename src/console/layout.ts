/**
 * The frame of every console page: the document head (the stylesheet at /console.css, no
 * inline script or style: the Content-Security-Policy forbids both), the top line with
 * sign-in or sign-out, and the helpers every page uses. Everything that came from a feed, a
 * server or a request is escaped here with `escape`.
 */
import { escapeUTF8 as escape } from 'entities';

export { escape };

/** What a page knows of who is looking. */
export interface Viewer {
  /** May change things (signed in). */
  admin: boolean;
  /** The session's CSRF token, for every form (null when not signed in). */
  csrf: string | null;
  /** An admin token is configured (else the console is read-only for everyone). */
  writable: boolean;
}

export const ANONYMOUS: Viewer = { admin: false, csrf: null, writable: false };

/** The security headers of every console page (issue 20). */
export const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export function time(iso: string | null, now: Date): string {
  if (!iso) return '<span class="muted">never</span>';
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return escape(iso);
  const span = Math.abs(seconds);
  const amount = span < 90 ? `${span} s` : span < 5400 ? `${Math.round(span / 60)} min` : span < 172_800 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86_400)} d`;
  return `<time datetime="${escape(iso)}" title="${escape(iso)}">${seconds < 0 ? `${amount} ago` : `in ${amount}`}</time>`;
}

/** A hidden CSRF field: every form that changes something carries one. */
export function csrfField(viewer: Viewer): string {
  return viewer.csrf ? `<input type="hidden" name="csrf" value="${escape(viewer.csrf)}">` : '';
}

/** The API call /console.js makes instead of posting the form, and the page it then shows. */
export interface ApiCall {
  url: string;
  done: string;
}

/**
 * A one-button form posting to `action` (pause, resume, refresh, remove…). With `api`, the
 * page's script sends the same action through the JSON API (the form still works without it).
 */
export function button(viewer: Viewer, action: string, label: string, className = '', api: ApiCall | null = null): string {
  const through = api ? ` data-api-url="${escape(api.url)}" data-done="${escape(api.done)}"` : '';
  return `<form method="post" action="${escape(action)}" class="inline"${through}>${csrfField(viewer)}<button type="submit"${className ? ` class="${className}"` : ''}>${escape(label)}</button></form>`;
}

/**
 * The console's one script (served at /console.js; the CSP allows no other): one-button forms
 * that name an API call make it with fetch, the session's CSRF token in X-CSRF-Token, and show
 * the API's typed error on the page, or go to the page that shows the result.
 */
export const CONSOLE_JS = `'use strict';
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.apiUrl) return;
  event.preventDefault();
  const csrf = form.querySelector('input[name="csrf"]');
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  const show = (text) => {
    let notice = document.getElementById('notice');
    if (!notice) {
      notice = document.createElement('p');
      notice.id = 'notice';
      notice.setAttribute('role', 'status');
      document.body.insertBefore(notice, document.body.children[1] || null);
    }
    notice.className = 'alert';
    notice.textContent = text;
  };
  try {
    const response = await fetch(form.dataset.apiUrl, { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf ? csrf.value : '' } });
    if (response.ok) {
      location.assign(form.dataset.done || location.pathname);
      return;
    }
    const body = await response.json().catch(() => null);
    show(body && body.error ? body.error.message : 'HTTP ' + response.status);
  } catch (error) {
    show(String(error));
  } finally {
    if (button) button.disabled = false;
  }
});
`;

function topLine(viewer: Viewer): string {
  if (viewer.admin) return `<nav class="top"><a href="/">Sources</a> · <a href="/console/add">Add a source</a> · <a href="/console/import">Import OPML</a> · <a href="/opml.xml">Export OPML</a> · ${button(viewer, '/console/sign-out', 'Sign out', 'link')}</nav>`;
  if (viewer.writable) return '<nav class="top"><a href="/">Sources</a> · <a href="/opml.xml">Export OPML</a> · <a href="/console/sign-in">Sign in</a> to add and change sources</nav>';
  return '<nav class="top"><a href="/">Sources</a> · <a href="/opml.xml">Export OPML</a> · <span class="muted" id="read-only">Read-only: no admin token is configured (http.adminToken or FEEDAGG_ADMIN_TOKEN).</span></nav>';
}

/** A whole page. `notice`: a line shown on top (the outcome of the last action). */
export function page(title: string, viewer: Viewer, body: string, notice: { text: string; error?: boolean } | null = null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="/console.css">
${viewer.admin ? '<script src="/console.js" defer></script>\n' : ''}</head>
<body>
${topLine(viewer)}
${notice ? `<p id="notice" role="status" class="${notice.error ? 'alert' : 'ok'}">${escape(notice.text)}</p>` : ''}
${body}
</body>
</html>
`;
}

/** At phone width each source is a card: its values labelled, empty ones and the poll marks left out. */
export const CONSOLE_CSS = `body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}.muted{color:#777}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num{text-align:right}.state-failing .state{color:#b00020;font-weight:600}.state-failing td{background:#fff4f4}.state-held .state{color:#b35900;font-weight:600}.state-retired .state{color:#777;font-weight:600}.state-disabled{color:#777}
.hold{color:#b35900}.mark{font-size:.8em;margin-right:1px}.mark-ok{color:#2e7d32}.mark-fail{color:#b00020}.mark-skip{color:#777}td.history{white-space:nowrap}
.alert{color:#b00020;font-weight:600}.ok{color:#2e7d32;font-weight:600}td.error{max-width:28rem;overflow-wrap:anywhere}ul.links{padding-left:1.2rem}code{font-size:.9em}
nav.top{margin-bottom:.5rem;font-size:.95em}form.inline{display:inline;margin:0 .3rem 0 0}button.link{background:none;border:none;color:#0645ad;cursor:pointer;padding:0;font:inherit;text-decoration:underline}
form.filters,form.stack{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}form.stack{flex-direction:column;align-items:stretch;max-width:36rem}
label{display:flex;flex-direction:column;font-size:.9em}input,select,textarea,button{font:inherit;padding:.3rem}label.check{flex-direction:row;gap:.4rem;align-items:center}
.card{border:1px solid #ddd;border-radius:4px;padding:.6rem .8rem;margin:.6rem 0}pre.yaml{background:#f6f6f6;padding:.6rem;overflow-x:auto}
.tag{display:inline-block;background:#eef;border-radius:3px;padding:0 .3rem;margin:0 .2rem .2rem 0;font-size:.85em}dl.settings{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.settings dt{color:#555}
@media (max-width:40rem){body{padding:.5rem}#sources thead{display:none}#sources tr.state-failing{background:#fff4f4}#sources tr{display:block;border-bottom:1px solid #ddd;padding:.3rem 0}#sources td{display:inline-block;border:none;padding:.1rem .5rem .1rem 0}#sources td.error{display:block;max-width:none}#sources td:empty,#sources td.history,#sources td[data-label="wait"],#sources td[data-label="last poll"]{display:none}#sources td[data-label]:not(:first-child):not(.state):not(.tags)::before{content:attr(data-label) ": ";color:#777}}`;
