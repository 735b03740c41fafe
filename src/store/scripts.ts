/**
 * Every Lua script of the store, loaded as BullMQ loads its own: one .lua file per script
 * (src/store/scripts/), a header naming its KEYS and ARGV, shared snippets included once
 * (`--- @include "name"`: scripts/includes/<name>.lua, or the generated "layouts"), and each
 * defined on a client with ioredis' defineCommand. ioredis then sends EVALSHA, and EVAL on a
 * connection that lacks the script (a new connection, a restarted Redis, a SCRIPT FLUSH, each
 * node of a cluster), in pipelines too. Every key a script touches comes through KEYS, so a
 * call is routed to the node that holds them (they share one hash tag).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { RedisClient } from '../redis/client.js';
import { layoutsLua } from './layouts.js';

export const SCRIPT_NAMES = [
  'accept', 'claim-due', 'claim-now', 'coalesce-merges', 'host-hold', 'host-lease', 'keep-window-bodies', 'lease-release', 'lease-renew',
  'poll-begin-batch', 'poll-finish-batch', 'publish-sources', 'release-events', 'requeue-lost', 'sweep-expired', 'sweep-window', 'trim-bodies',
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];
export type ScriptArg = string | number | Buffer;

const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** The scripts folder: beside this module (tsc copies it), or one folder over for the bundled CLI in dist/src/cli/. */
function scriptFile(path: string): string {
  const beside = new URL(`./scripts/${path}`, import.meta.url);
  return readFileSync(existsSync(beside) ? beside : new URL(`../store/scripts/${path}`, import.meta.url), 'utf8');
}

function includeSource(name: string): string {
  return name === 'layouts' ? layoutsLua() : scriptFile(`includes/${name}.lua`).trimEnd();
}

const sources = new Map<ScriptName, string>();

/** A script's source with its includes expanded (each included once, where first named). */
export function scriptSource(name: ScriptName): string {
  let source = sources.get(name);
  if (source === undefined) {
    const included = new Set<string>();
    source = scriptFile(`${name}.lua`).replace(INCLUDE, (_line, include: string) => {
      if (included.has(include)) return '';
      included.add(include);
      return includeSource(include);
    });
    sources.set(name, source);
  }
  return source;
}

/** The command a script is defined as: a name no Redis command has. */
function commandName(name: ScriptName): string {
  return `feedagg_${name.replace(/-/g, '_')}`;
}

type Call = (...args: ScriptArg[]) => Promise<unknown>;

/** The store's scripts on one client: defined there once, run by name with their keys and arguments. */
export class Scripts {
  /** Each script's command and its Buffer variant, bound to the client once. */
  private readonly commands = new Map<string, Call>();

  constructor(private readonly redis: RedisClient) {
    const defined = (redis as unknown as { scriptsSet?: Record<string, unknown> }).scriptsSet ?? {};
    const client = redis as unknown as Record<string, Call>;
    for (const name of SCRIPT_NAMES) {
      const command = commandName(name);
      if (!defined[command]) redis.defineCommand(command, { lua: scriptSource(name) });
      for (const suffix of ['', 'Buffer']) this.commands.set(`${command}${suffix}`, (client[`${command}${suffix}`] as Call).bind(redis));
    }
  }

  private command(name: ScriptName, suffix = ''): Call {
    return this.commands.get(`${commandName(name)}${suffix}`) as Call;
  }

  /** Run a script (numkeys first: the key count varies from call to call). */
  run(name: ScriptName, keys: string[], args: ScriptArg[]): Promise<unknown> {
    return this.command(name)(keys.length, ...keys, ...args);
  }

  /** The same, with every string of the reply as a Buffer (binary values). */
  runBuffer(name: ScriptName, keys: string[], args: ScriptArg[]): Promise<unknown> {
    return this.command(name, 'Buffer')(keys.length, ...keys, ...args);
  }
}
