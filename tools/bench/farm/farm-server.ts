#!/usr/bin/env node
/**
 * The feed farm as its own process (so its CPU is not the measured process's): serves
 * `/feed/<n>.xml` with the validators each feed uses, answers 304 to matching conditional
 * requests, and moves to the next round on `POST /round`. Prints `listening <port>` when up.
 *   node farm-server.js <feeds> [normal|same-story]
 */
import { createServer } from 'node:http';
import { FeedFarm, type FarmMode } from './farm-feeds.js';

const size = Number(process.argv[2] ?? 2000);
const farm = new FeedFarm(size, (process.argv[3] ?? 'normal') as FarmMode);
let round = 0;
let documents: Buffer[] = [];
const requests = { full: 0, notModified: 0 };

function prepare(): void {
  documents = Array.from({ length: size }, (_, feed) => Buffer.from(farm.document(feed, round)));
}

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/round') {
    round += 1;
    prepare();
    requests.full = 0;
    requests.notModified = 0;
    response.writeHead(200).end(String(round));
    return;
  }
  if (request.url === '/stats') {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ round, bytes: documents.reduce((sum, doc) => sum + doc.length, 0), ...requests }));
    return;
  }
  const match = /^\/feed\/(\d+)\.xml$/.exec(request.url ?? '');
  const feed = match ? Number(match[1]) : -1;
  const body = documents[feed];
  if (!body) {
    response.writeHead(404).end();
    return;
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/rss+xml; charset=utf-8' };
  const kind = farm.validators(feed);
  const version = farm.version(feed, round);
  if (kind === 'etag') {
    headers.ETag = version.etag;
    if (request.headers['if-none-match'] === version.etag) {
      requests.notModified += 1;
      response.writeHead(304, { ETag: version.etag }).end();
      return;
    }
  } else if (kind === 'last-modified') {
    headers['Last-Modified'] = version.lastModified;
    const since = Date.parse(request.headers['if-modified-since'] ?? '');
    if (Number.isFinite(since) && since >= Date.parse(version.lastModified)) {
      requests.notModified += 1;
      response.writeHead(304).end();
      return;
    }
  }
  requests.full += 1;
  response.writeHead(200, headers).end(body);
});

prepare();
server.keepAliveTimeout = 10_000;
// Every feed has a loopback address of its own (127.1.x.y), as feeds have hosts of their own:
// listening on all addresses is what lets one server answer them all. Bench machines only.
server.listen(0, '0.0.0.0', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
