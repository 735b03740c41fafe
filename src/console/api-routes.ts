/**
 * The console's JSON API under /api/ (issue 20; docs/console.md has every route with request
 * and response examples). Reads are open, as the console's pages are; every write needs
 * `Authorization: Bearer <admin token>`, or a signed-in session with its CSRF token in
 * `X-CSRF-Token`. Errors are `{"error": {"code", "message", "field"?}}` with their status.
 *
 *   GET    /api/sources                 → 200 [source]
 *   POST   /api/sources                 → 201 source          {url, id?, title?, tags?, interval?, allowPrivateNetworks?}
 *   POST   /api/discover                → 200 discovery       {url, allowPrivateNetworks?}
 *   GET    /api/sources/{id}            → 200 source with outcomes and articles
 *   PATCH  /api/sources/{id}            → 200 source          {title?, tags?, interval?, enabled?}
 *   POST   /api/sources/{id}/pause      → 200 source
 *   POST   /api/sources/{id}/resume     → 200 source
 *   POST   /api/sources/{id}/refresh    → 202 {id, queued}
 *   GET    /api/sources/{id}/outcomes   → 200 [outcome]
 *   DELETE /api/sources/{id}            → 204
 *   POST   /api/import                  → 200 plan, or 201 with `"write": true`   {opml, write?}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminAuth } from './admin-auth.js';
import type { ConsoleActions } from './console-actions.js';
import { ConsoleError } from './console-error.js';
import { MAX_OPML_CHARS, opmlPlan } from './opml-import.js';
import { readFields } from './request-body.js';

export function sendJson(request: IncomingMessage, response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
  response.end(request.method === 'HEAD' || status === 204 ? undefined : `${JSON.stringify(body)}\n`);
}

export function sendError(request: IncomingMessage, response: ServerResponse, error: ConsoleError): void {
  sendJson(request, response, error.status, error.toJSON(), error.retryAfter ? { 'Retry-After': String(error.retryAfter) } : {});
}

interface ApiDeps {
  auth: AdminAuth;
  actions: ConsoleActions;
  redisReady: () => boolean;
}

function sourceId(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    throw new ConsoleError('INVALID', 'the source id in the path is not valid', { field: 'id' });
  }
}

/** Handles /api/*; the caller turns a thrown ConsoleError into its JSON answer. */
export async function handleApi(request: IncomingMessage, response: ServerResponse, path: string, deps: ApiDeps): Promise<void> {
  const { auth, actions } = deps;
  const method = request.method ?? 'GET';
  const parts = path.split('/').filter(Boolean).slice(1);
  const read = method === 'GET' || method === 'HEAD';
  // Who asks is settled before anything else: a wrong token is a 401 whatever the route.
  const caller = auth.caller(request);
  if (!read) auth.requireWrite(caller, typeof request.headers['x-csrf-token'] === 'string' ? request.headers['x-csrf-token'] : null);
  if (!deps.redisReady()) throw new ConsoleError('UNAVAILABLE', 'Redis is unreachable: try again shortly');
  const [collection, rawId, action] = parts;
  if (collection === 'discover' && parts.length === 1 && method === 'POST') {
    return sendJson(request, response, 200, await actions.discover(await readFields(request)));
  }
  if (collection === 'import' && parts.length === 1 && method === 'POST') {
    const fields = await readFields(request, MAX_OPML_CHARS + 4096);
    const plan = await opmlPlan(fields.opml, (await actions.list()).sources);
    if (fields.write !== true || plan.added.length === 0) return sendJson(request, response, 200, { ...plan, written: false });
    await actions.file.addMany(plan.added);
    return sendJson(request, response, 201, { ...plan, written: true });
  }
  if (collection !== 'sources') throw new ConsoleError('NOT_FOUND', `no API route ${path}`);
  if (parts.length === 1) {
    if (read) return sendJson(request, response, 200, (await actions.list()).api);
    if (method === 'POST') {
      const created = await actions.add(await readFields(request));
      return sendJson(request, response, 201, created, { Location: `/api/sources/${encodeURIComponent(created.id)}` });
    }
    throw new ConsoleError('METHOD', `${method} is not allowed on /api/sources (GET, POST)`);
  }
  const id = sourceId(rawId);
  if (parts.length === 2) {
    if (read) return sendJson(request, response, 200, (await actions.get(id)).api);
    if (method === 'PATCH') return sendJson(request, response, 200, await actions.update(id, await readFields(request)));
    if (method === 'DELETE') {
      await actions.remove(id);
      return sendJson(request, response, 204, null);
    }
    throw new ConsoleError('METHOD', `${method} is not allowed on a source (GET, PATCH, DELETE)`);
  }
  if (parts.length === 3 && action === 'outcomes' && read) return sendJson(request, response, 200, (await actions.get(id)).api.outcomes);
  if (parts.length === 3 && method === 'POST') {
    if (action === 'pause') return sendJson(request, response, 200, await actions.update(id, { enabled: false }));
    if (action === 'resume') return sendJson(request, response, 200, await actions.update(id, { enabled: true }));
    if (action === 'refresh') return sendJson(request, response, 202, await actions.refresh(id));
  }
  throw new ConsoleError('NOT_FOUND', `no API route ${method} ${path}`);
}

