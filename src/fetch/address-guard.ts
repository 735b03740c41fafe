/**
 * SSRF guard: refuse to connect to addresses that are not on the public internet — loopback,
 * private (RFC 1918), CGNAT (RFC 6598), link-local, unique-local (RFC 4193), multicast,
 * unspecified, and the same IPv4 ranges inside IPv6 addresses that carry an IPv4 address:
 * IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96, RFC 4291 2.5.5.1), NAT64
 * (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056). The check runs on the resolved
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
    // Teredo (RFC 4380) hides its IPv4 address; no feed is served from one.
    ['2001::', 32],
  ];
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

/** An IPv6 address as its eight 16-bit groups, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : 8 - left.length - right.length).fill('0'), ...right];
  return groups.length === 8 ? groups.map((group) => parseInt(group, 16)) : null;
}

function dottedQuad(high: number, low: number): string {
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), as dotted
 * quad; any other address unchanged (lower-case, without brackets).
 */
export function unmapIpv4(address: string): string {
  const plain = address.toLowerCase().replace(/^\[|\]$/g, '');
  const groups = ipv6Groups(plain);
  if (!groups) return plain;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroHead = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroHead && (g5 === 0xffff || g5 === 0)) return dottedQuad(g6, g7); // mapped, compatible
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return dottedQuad(g6, g7); // NAT64
  if (g0 === 0x2002) return dottedQuad(g1, g2); // 6to4
  return plain;
}

export function isBlockedAddress(address: string, list: BlockList): boolean {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** `10.1.2.3`, `10.0.0.0/8`, `fd00::/8` → a subnet; null when it is none. */
export function parseSubnet(text: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) return null;
  return { network: address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * What the guard refuses: the default block list, less the operator's own exceptions
 * (`fetch.allowAddresses`, e.g. an intranet feed server) — never more open than that.
 */
export class AddressPolicy {
  private readonly allowed: BlockList | null;

  constructor(private readonly blocked: BlockList = defaultBlockList(), allowSubnets: string[] = []) {
    this.allowed = allowSubnets.length > 0 ? new BlockList() : null;
    for (const text of allowSubnets) {
      const subnet = parseSubnet(text);
      if (!subnet) throw new TypeError(`not an address or subnet: ${text}`);
      this.allowed?.addSubnet(subnet.network, subnet.prefix, subnet.family);
    }
  }

  isBlocked(address: string): boolean {
    if (!isBlockedAddress(address, this.blocked)) return false;
    return !(this.allowed && isBlockedAddress(address, this.allowed));
  }
}

export function blockedAddressError(host: string, address: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`refusing to connect to ${host} (${address}): not a public address; set fetch.allowPrivateNetworks or fetch.allowAddresses to allow it`);
  error.code = BLOCKED_ADDRESS_CODE;
  return error;
}

/** A dns.lookup replacement for net.connect that drops blocked addresses. */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => !policy.isBlocked(entry.address));
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
export function checkLiteralHost(url: URL, policy: AddressPolicy): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(unmapIpv4(host)) !== 0 && policy.isBlocked(host)) throw blockedAddressError(url.hostname, host);
}
