/**
 * SSRF guard: refuse to connect to addresses that are not on the public internet — loopback,
 * private (RFC 1918), CGNAT (RFC 6598), link-local, unique-local (RFC 4193), multicast,
 * unspecified, and the same ranges behind IPv4-mapped IPv6. The check runs on the resolved
 * address at connect time (a DNS lookup hook), so DNS rebinding and redirects to internal
 * hosts are caught too, and a refused address never sees a packet.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export const BLOCKED_ADDRESS_CODE = 'FEEDAGG_BLOCKED_ADDRESS';

export function defaultBlockList(): BlockList {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
    ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ];
  const v6: Array<[string, number]> = [
    ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b:1::', 48], ['100::', 64],
  ];
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/** `::ffff:7f00:1` / `::ffff:127.0.0.1` → `127.0.0.1`; other addresses unchanged. */
export function unmapIpv4(address: string): string {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return lower;
}

export function isBlockedAddress(address: string, list: BlockList): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export function blockedAddressError(host: string, address: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`refusing to connect to ${host} (${address}): not a public address; set fetch.allowPrivateNetworks to allow it`);
  error.code = BLOCKED_ADDRESS_CODE;
  return error;
}

/** A dns.lookup replacement for net.connect that drops blocked addresses. */
export function guardedLookup(list: BlockList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => !isBlockedAddress(entry.address, list));
      if (allowed.length === 0) {
        return callback(blockedAddressError(hostname, addresses[0]?.address ?? 'no address'), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** Hosts written as IP literals skip DNS (and so the lookup hook): check them up front. */
export function checkLiteralHost(url: URL, list: BlockList): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(unmapIpv4(host)) !== 0 && isBlockedAddress(host, list)) throw blockedAddressError(url.hostname, host);
}
