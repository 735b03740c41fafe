/** The undici dispatchers feedagg fetches with: one guarded against private addresses, one not. */
import { Agent } from 'undici';
import { AddressPolicy, guardedLookup } from './address-guard.js';

export interface HttpClients {
  guarded: Agent;
  open: Agent;
  /** What the guarded dispatcher refuses (IP-literal hosts are checked against it before connecting). */
  guard: AddressPolicy;
}

export function createHttpClients(guard: AddressPolicy = new AddressPolicy()): HttpClients {
  const common = { connections: 8, keepAliveTimeout: 4_000 };
  return {
    guarded: new Agent({ ...common, connect: { lookup: guardedLookup(guard) } }),
    open: new Agent(common),
    guard,
  };
}

export async function closeHttpClients(clients: HttpClients): Promise<void> {
  await Promise.allSettled([clients.guarded.close(), clients.open.close()]);
}
