/**
 * Lua scripts, one .lua file each (src/store/scripts/), run by EVALSHA and loaded again after
 * a SCRIPT FLUSH or a Redis restart. Every key a script touches comes through KEYS[], so each
 * call is routed to the node that holds them in a Redis Cluster (they share one hash tag).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { RedisClient } from './redis-client.js';

type Arg = string | number | Buffer;

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export class LuaScript {
  readonly sha: string;

  constructor(readonly name: string, readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** The script in src/store/scripts/<name>.lua (copied next to the built module; the bundled CLI in dist/src/cli/ finds it one folder over). */
  static load(name: string): LuaScript {
    const beside = new URL(`./scripts/${name}.lua`, import.meta.url);
    const path = existsSync(beside) ? beside : new URL(`../store/scripts/${name}.lua`, import.meta.url);
    return new LuaScript(name, readFileSync(path, 'utf8'));
  }

  /** Run by its SHA; after a SCRIPT FLUSH or a restart (NOSCRIPT), by its source, which loads it again. */
  private async evaluate(bySha: () => Promise<unknown>, bySource: () => Promise<unknown>): Promise<unknown> {
    try {
      return await bySha();
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return bySource();
    }
  }

  run(redis: RedisClient, keys: string[], args: Arg[]): Promise<unknown> {
    return this.evaluate(() => redis.evalsha(this.sha, keys.length, ...keys, ...args), () => redis.eval(this.source, keys.length, ...keys, ...args));
  }

  /** The same, with every string of the reply as a Buffer (for binary values). */
  runBuffer(redis: RedisClient, keys: string[], args: Arg[]): Promise<unknown> {
    return this.evaluate(() => redis.evalshaBuffer(this.sha, keys.length, ...keys, ...args), () => redis.evalBuffer(this.source, keys.length, ...keys, ...args));
  }
}

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: Arg[];
}

/**
 * Several scripts in one round trip (a pipeline). After a Redis restart the scripts are gone:
 * the whole pipeline runs again with EVAL (which also caches them on the node that holds the
 * keys; a SCRIPT LOAD could land on another node of a cluster), so every script given here
 * must be safe to run twice.
 */
export async function runTogether(redis: RedisClient, calls: ScriptCall[]): Promise<unknown[]> {
  const attempt = async (withSource: boolean) => {
    const pipeline = redis.pipeline();
    for (const call of calls) {
      if (withSource) pipeline.eval(call.script.source, call.keys.length, ...call.keys, ...call.args);
      else pipeline.evalsha(call.script.sha, call.keys.length, ...call.keys, ...call.args);
    }
    return (await pipeline.exec()) ?? [];
  };
  let results = await attempt(false);
  if (results.some(([error]) => isNoScript(error))) results = await attempt(true);
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
