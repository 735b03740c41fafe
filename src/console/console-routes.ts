/**
 * The console's routes (issue 20) beside the pages `start` already serves: its stylesheet,
 * the source pages, the add and import pages, sign-in, the HTML forms (each a POST with the
 * session's CSRF token, answered with a redirect to the page that shows the result, or the
 * page again with the error) and the JSON API (api-routes.ts). The list at `/` is one of the
 * service pages (service-pages.ts), rendered for the viewer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { formatDuration } from '../../config/units.js';
import { AdminAuth, clientOf } from './admin-auth.js';
import { renderAddPage, renderImportPage, renderSignInPage } from './add-page.js';
import { handleApi, sendError } from './api-routes.js';
import type { ConsoleActions } from './console-actions.js';
import { ConsoleError } from './console-error.js';
import { suggestId } from './discover.js';
import { CONSOLE_CSS, CONSOLE_JS, escape, PAGE_HEADERS, page, type Viewer } from './layout.js';
import { MAX_OPML_CHARS, opmlPlan } from './opml-import.js';
import { readFields } from './request-body.js';
import { renderRemovePage, renderSourcePage } from './source-page.js';

export interface ConsoleOptions {
  auth: AdminAuth;
  actions: ConsoleActions;
  log: Logger;
  defaultIntervalMs: number;
  redisReady: () => boolean;
  now: () => Date;
}

/** Notices after a redirect: fixed texts by code, so a link cannot put words on the page. */
const NOTICES: Record<string, string> = {
  added: 'The source was added to the config file and is being polled.',
  saved: 'Saved to the config file.',
  paused: 'Paused: it is not polled until it is resumed.',
  resumed: 'Resumed.',
  refresh: 'A poll was asked for: it runs within a few seconds.',
  removed: 'The source was removed from the config file.',
  imported: 'The sources were added to the config file.',
  'signed-in': 'Signed in.',
  'signed-out': 'Signed out.',
};

export interface ConsoleHandler {
  /** Handles the request when it is the console's (true), else leaves it to the server (false). */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  /** Who looks at a page (the session only). */
  viewer(request: IncomingMessage): Viewer;
  /** The notice a page shows for `?done=…`. */
  notice(url: URL): { text: string } | null;
}

function sendHtml(request: IncomingMessage, response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...PAGE_HEADERS, ...headers });
  response.end(request.method === 'HEAD' ? undefined : html);
}

function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...headers });
  response.end();
}

function typed(error: unknown): ConsoleError {
  return error instanceof ConsoleError ? error : new ConsoleError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const { auth, actions, log } = options;
  const viewer = (request: IncomingMessage): Viewer => {
    const caller = auth.sessionCaller(request);
    return { admin: caller.admin, csrf: caller.csrf, writable: auth.enabled };
  };
  const notice = (url: URL) => {
    const code = url.searchParams.get('done');
    const text = code ? NOTICES[code] : undefined;
    return text ? { text } : null;
  };
  const defaultInterval = formatDuration(options.defaultIntervalMs);

  async function sourcePage(request: IncomingMessage, response: ServerResponse, id: string, status = 200, extra: { notice?: { text: string; error?: boolean } | null; paste?: string | null } = {}, url?: URL): Promise<void> {
    const { api, row } = await actions.get(id);
    const html = renderSourcePage({ source: api, row, viewer: viewer(request), now: options.now(), defaultInterval, readOnlyReason: await actions.file.readOnlyReason(), notice: extra.notice ?? (url ? notice(url) : null), paste: extra.paste ?? null });
    sendHtml(request, response, status, html);
  }

  /** A form's POST: an admin with the session's CSRF token, or 401/403 before anything is read further. */
  async function formFields(request: IncomingMessage, limit?: number): Promise<Record<string, unknown>> {
    const caller = auth.sessionCaller(request);
    // No session: refused before the body is read (an import may be 2 MB).
    if (!caller.admin) auth.requireWrite(caller, null);
    const fields = await readFields(request, limit);
    auth.requireWrite(caller, typeof fields.csrf === 'string' ? fields.csrf : null);
    return fields;
  }

  async function addPage(request: IncomingMessage, response: ServerResponse, fields: Record<string, unknown>): Promise<void> {
    const allowPrivate = fields.allowPrivateNetworks === 'true';
    const url = typeof fields.url === 'string' ? fields.url : '';
    try {
      const found = await actions.discover(fields);
      const taken = new Set((await actions.list()).sources.map((source) => source.id));
      const feeds = found.kind === 'feed' ? [found.feed] : found.feeds;
      const ids: string[] = [];
      for (const feed of feeds) {
        const id = suggestId(feed, taken);
        taken.add(id);
        ids.push(id);
      }
      sendHtml(request, response, 200, renderAddPage(viewer(request), { url, found, ids, allowPrivate, now: options.now() }));
    } catch (error) {
      const problem = typed(error);
      if (problem.code === 'INTERNAL') throw error;
      sendHtml(request, response, problem.status, renderAddPage(viewer(request), { url, allowPrivate, now: options.now(), notice: { text: problem.message, error: true } }));
    }
  }

  /** The console's forms; a ConsoleError shows on the page it came from. */
  async function post(request: IncomingMessage, response: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/console/sign-in') {
      const fields = await readFields(request);
      try {
        const session = auth.signIn(typeof fields.token === 'string' ? fields.token : '', clientOf(request));
        return redirect(response, '/?done=signed-in', { 'Set-Cookie': AdminAuth.sessionCookie(session.id, request) });
      } catch (error) {
        const problem = typed(error);
        return sendHtml(request, response, problem.status, renderSignInPage(viewer(request), { text: problem.message, error: true }), problem.retryAfter ? { 'Retry-After': String(problem.retryAfter) } : {});
      }
    }
    if (path === '/console/sign-out') {
      await formFields(request);
      auth.signOut(request);
      return redirect(response, '/?done=signed-out', { 'Set-Cookie': AdminAuth.clearedCookie() });
    }
    if (path === '/console/discover') return addPage(request, response, await formFields(request));
    if (path === '/console/add') {
      const fields = await formFields(request);
      try {
        const created = await actions.add(fields);
        return redirect(response, `/sources/${encodeURIComponent(created.id)}?done=added`);
      } catch (error) {
        const problem = typed(error);
        if (problem.code === 'INTERNAL') throw error;
        return sendHtml(request, response, problem.status, renderAddPage(viewer(request), { url: typeof fields.url === 'string' ? fields.url : '', now: options.now(), notice: { text: problem.message, error: true }, paste: problem.yaml ?? null }));
      }
    }
    if (path === '/console/import') {
      const fields = await formFields(request, MAX_OPML_CHARS + 4096);
      const opml = typeof fields.opml === 'string' ? fields.opml : '';
      try {
        const plan = await opmlPlan(opml, (await actions.list()).sources);
        if (fields.confirm !== '1') return sendHtml(request, response, 200, renderImportPage(viewer(request), { opml, plan }));
        if (plan.added.length > 0) await actions.file.addMany(plan.added);
        return redirect(response, '/?done=imported');
      } catch (error) {
        const problem = typed(error);
        if (problem.code === 'INTERNAL') throw error;
        return sendHtml(request, response, problem.status, renderImportPage(viewer(request), { opml, notice: { text: problem.message, error: true }, paste: problem.yaml ?? null }));
      }
    }
    const match = /^\/sources\/([^/]+)\/(edit|pause|resume|refresh|remove)$/.exec(path);
    if (!match) throw new ConsoleError('NOT_FOUND', `no form at ${path}`);
    const id = decodeURIComponent(match[1]!);
    const fields = await formFields(request);
    try {
      switch (match[2]) {
        case 'edit':
          await actions.update(id, { title: fields.title ?? null, tags: fields.tags ?? null, interval: fields.interval ?? null, include: fields.include ?? null, exclude: fields.exclude ?? null });
          return redirect(response, `/sources/${encodeURIComponent(id)}?done=saved`);
        case 'pause':
          await actions.update(id, { enabled: false });
          return redirect(response, `/sources/${encodeURIComponent(id)}?done=paused`);
        case 'resume':
          await actions.update(id, { enabled: true });
          return redirect(response, `/sources/${encodeURIComponent(id)}?done=resumed`);
        case 'refresh':
          await actions.refresh(id);
          return redirect(response, `/sources/${encodeURIComponent(id)}?done=refresh`);
        default:
          if (url.searchParams.get('confirm') !== '1') return sendHtml(request, response, 200, renderRemovePage(id, viewer(request)));
          await actions.remove(id);
          return redirect(response, '/?done=removed');
      }
    } catch (error) {
      const problem = typed(error);
      if (problem.code === 'INTERNAL' || problem.code === 'NOT_FOUND') throw problem;
      return sourcePage(request, response, id, problem.status, { notice: { text: problem.message, error: true }, paste: problem.yaml ?? null });
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    if (path === '/console.css' && read) {
      response.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600', 'X-Content-Type-Options': 'nosniff' });
      response.end(method === 'HEAD' ? undefined : CONSOLE_CSS);
      return true;
    }
    if (path === '/console.js' && read) {
      response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=3600', 'X-Content-Type-Options': 'nosniff' });
      response.end(method === 'HEAD' ? undefined : CONSOLE_JS);
      return true;
    }
    if (path === '/api' || path.startsWith('/api/')) {
      try {
        await handleApi(request, response, path, { auth, actions, redisReady: options.redisReady });
      } catch (error) {
        const problem = typed(error);
        if (problem.code === 'INTERNAL') log.error({ path, method, err: problem.message }, 'console API failed');
        if (!response.headersSent) sendError(request, response, problem);
      }
      return true;
    }
    const ours = path.startsWith('/console/') || path.startsWith('/sources/');
    if (!ours) return false;
    try {
      if (!read) {
        if (method !== 'POST') throw new ConsoleError('METHOD', `${method} is not allowed here`);
        await post(request, response, path, url);
        return true;
      }
      if (path === '/console/sign-in') {
        sendHtml(request, response, 200, renderSignInPage(viewer(request)));
        return true;
      }
      const who = viewer(request);
      const adminOnly = path === '/console/add' || path === '/console/import' || /^\/sources\/[^/]+\/remove$/.test(path);
      if (adminOnly && !who.admin) {
        redirect(response, '/console/sign-in');
        return true;
      }
      if (path === '/console/add') sendHtml(request, response, 200, renderAddPage(who, { now: options.now() }));
      else if (path === '/console/import') sendHtml(request, response, 200, renderImportPage(who, {}));
      else if (/^\/sources\/[^/]+\/remove$/.test(path)) sendHtml(request, response, 200, renderRemovePage(decodeURIComponent(path.split('/')[2]!), who));
      else if (/^\/sources\/[^/]+$/.test(path)) {
        if (!options.redisReady()) throw new ConsoleError('UNAVAILABLE', 'Redis is unreachable: the source\'s state cannot be read now');
        await sourcePage(request, response, decodeURIComponent(path.split('/')[2]!), 200, {}, url);
      } else throw new ConsoleError('NOT_FOUND', `no page at ${path}`);
    } catch (error) {
      const problem = typed(error);
      if (problem.code === 'INTERNAL') log.error({ path, method, err: problem.message }, 'console page failed');
      if (!response.headersSent) sendHtml(request, response, problem.status, page('feedagg', viewer(request), `<h1>${escape(problem.code)}</h1><p class="alert" id="error">${escape(problem.message)}</p><p><a href="/">Back to the sources</a></p>`), problem.retryAfter ? { 'Retry-After': String(problem.retryAfter) } : {});
    }
    return true;
  }

  return { handle: route, viewer, notice };
}
