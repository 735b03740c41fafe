/**
 * External validators the feed tests use when the machine has them (.ci/run installs them):
 * xmllint (libxml2-utils) and Debian's python3-feedparser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const XMLLINT = spawnSync('xmllint', ['--version']).status === 0;

/** Debian's python3 (which has python3-feedparser), not a pyenv shim that may lack it. */
export const PYTHON = ['/usr/bin/python3', 'python3'].find((binary) => (binary.startsWith('/') ? existsSync(binary) : true) && spawnSync(binary, ['-c', 'import feedparser']).status === 0) ?? null;

export function xmllint(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('xmllint', args, { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface FeedparserView {
  bozo: boolean;
  bozoException: string | null;
  version: string;
  entries: Array<{ title: string; link: string; id: string }>;
}

/** What a real reader, Python's feedparser, makes of a document. */
export function feedparser(path: string): FeedparserView {
  const script = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": bool(d.bozo), "bozoException": str(d.get("bozo_exception")) if d.bozo else None, "version": d.version,
  "entries": [{"title": e.get("title", ""), "link": e.get("link", ""), "id": e.get("id", "")} for e in d.entries]}))
`;
  return JSON.parse(execFileSync(PYTHON ?? 'python3', ['-c', script, path], { encoding: 'utf8' })) as FeedparserView;
}
