/**
 * A real HTTP server on 127.0.0.1 serving fixture feeds, with ETag/Last-Modified/304 and a few
 * faults (status codes, malformed bodies). Routes can be changed while a test runs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface Route {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send ETag and Last-Modified, and answer 304 to matching conditional requests. */
  validators?: boolean;
  handler?: (request: IncomingMessage, response: ServerResponse) => void;
}

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures', 'feeds');

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, name));
}

const LAST_MODIFIED = 'Wed, 04 Nov 2026 12:00:00 GMT';

export class FixtureServer {
  readonly routes = new Map<string, Route>();
  readonly requests: Array<{ path: string; headers: IncomingMessage['headers']; at: number }> = [];
  private server: Server | null = null;
  baseUrl = '';

  /** Listen on a loopback address (127.0.0.2 works on Linux too) and a free port. */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, host, resolve));
    const address = this.server.address();
    this.baseUrl = `http://${host}:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  /** Requests received for one path. */
  hits(path: string): number {
    return this.requests.filter((entry) => entry.path === path).length;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Serve a fixture file from tests/fixtures/feeds with validators. */
  serveFixture(path: string, file: string, contentType: string): void {
    this.routes.set(path, { body: fixture(file), contentType, validators: true });
  }

  /** The three fixture feeds most tests poll: /rss.xml, /atom.xml and /feed.json (7 items in all). */
  serveStandardFeeds(): this {
    this.serveFixture('/rss.xml', 'rss2.xml', 'application/rss+xml');
    this.serveFixture('/atom.xml', 'atom.xml', 'application/atom+xml');
    this.serveFixture('/feed.json', 'feed.json', 'application/feed+json');
    return this;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', this.baseUrl).pathname;
    this.requests.push({ path, headers: request.headers, at: Date.now() });
    const route = this.routes.get(path);
    if (!route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (route.handler) {
      route.handler(request, response);
      return;
    }
    const body = route.body ?? '';
    const headers: Record<string, string> = { 'Content-Type': route.contentType ?? 'application/xml', ...route.headers };
    if (route.validators) {
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      headers.ETag = etag;
      headers['Last-Modified'] = LAST_MODIFIED;
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { ETag: etag }).end();
        return;
      }
    }
    response.writeHead(route.status ?? 200, headers).end(body);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
