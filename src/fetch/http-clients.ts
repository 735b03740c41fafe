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
  // Idle connections close after 1 s, whatever the server's Keep-Alive hint says (undici
  // takes the hint up to keepAliveMaxTimeout, 10 min by default). A source is polled every
  // few minutes at most, so a connection is reused only by sources on one host polled
  // together (within one perHostInterval); and every idle origin keeps an undici Pool of its
  // own (about 16 KB with its queue): held for 10 s at 500 polls/s, those were 100+ MB.
  const common = { connections: 8, keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 };
  return {
    guarded: new Agent({ ...common, connect: { lookup: guardedLookup(guard) } }),
    open: new Agent(common),
    guard,
  };
}

export async function closeHttpClients(clients: HttpClients): Promise<void> {
  await Promise.allSettled([clients.guarded.close(), clients.open.close()]);
}
