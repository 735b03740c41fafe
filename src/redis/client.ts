/** The Redis connections feedagg works with: one server, or a Redis Cluster (all keys in one hash slot). */
import type { Cluster, Redis, Result } from 'ioredis';

export type RedisClient = Redis | Cluster;

// ioredis generates a `…Buffer` variant of every command at run time; these two it leaves
// untyped. (Its generic `callBuffer` loses the command name under auto pipelining.)
declare module 'ioredis' {
  interface RedisCommander<Context> {
    evalshaBuffer(sha1: string | Buffer, numkeys: number | string, ...args: Array<string | Buffer | number>): Result<unknown, Context>;
    evalBuffer(script: string | Buffer, numkeys: number | string, ...args: Array<string | Buffer | number>): Result<unknown, Context>;
  }
}
