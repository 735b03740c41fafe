/** The undici dispatchers feedagg fetches with: one guarded against private addresses, one not. */
import { Agent } from 'undici';
import { defaultBlockList, guardedLookup } from './address-guard.js';
import type { BlockList } from 'node:net';

export interface HttpClients {
  guarded: Agent;
  open: Agent;
  blockList: BlockList;
}

export function createHttpClients(blockList: BlockList = defaultBlockList()): HttpClients {
  const common = { connections: 8, keepAliveTimeout: 4_000 };
  return {
    guarded: new Agent({ ...common, connect: { lookup: guardedLookup(blockList) } }),
    open: new Agent(common),
    blockList,
  };
}

export async function closeHttpClients(clients: HttpClients): Promise<void> {
  await Promise.allSettled([clients.guarded.close(), clients.open.close()]);
}
