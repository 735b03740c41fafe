import { describe, expect, it } from 'vitest';
import { AddressPolicy, defaultBlockList, isBlockedAddress, parseSubnet, unmapIpv4 } from './address-guard.js';

const list = defaultBlockList();

describe('address guard', () => {
  it.each([
    ['127.0.0.1', true], ['127.8.9.10', true], ['10.1.2.3', true], ['172.16.0.1', true], ['172.31.255.255', true],
    ['172.32.0.1', false], ['192.168.1.1', true], ['169.254.169.254', true], ['100.64.0.1', true], ['0.0.0.0', true],
    ['224.0.0.1', true], ['255.255.255.255', true], ['8.8.8.8', false], ['93.184.216.34', false],
    ['::1', true], ['::', true], ['fe80::1', true], ['fc00::1', true], ['fd12:3456::1', true], ['ff02::1', true],
    ['2606:4700::1111', false], ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['::ffff:8.8.8.8', false],
    ['[::1]', true], ['not-an-ip', false],
    // IPv4-compatible (::/96), as a URL writes [::127.0.0.1]
    ['::127.0.0.1', true], ['::7f00:1', true], ['::a00:1', true], ['::808:808', false],
    // NAT64 (64:ff9b::/96): private inside is blocked, a public IPv4 behind NAT64 is not
    ['64:ff9b::7f00:1', true], ['64:ff9b::127.0.0.1', true], ['64:ff9b::a9fe:a9fe', true], ['64:ff9b::808:808', false],
    ['64:ff9b:1::1', true],
    // 6to4 (2002::/16) and Teredo (2001::/32)
    ['2002:7f00:1::1', true], ['2002:c0a8:101::', true], ['2002:808:808::1', false], ['2001:0:4136:e378::1', true],
  ])('%s blocked: %s', (address, blocked) => {
    expect(isBlockedAddress(address, list)).toBe(blocked);
  });

  it.each([
    ['::ffff:7f00:1', '127.0.0.1'], ['::ffff:c0a8:101', '192.168.1.1'], ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['[::7f00:1]', '127.0.0.1'], ['64:ff9b::c0a8:101', '192.168.1.1'], ['2002:a00:1::', '10.0.0.1'], ['2606:4700::1111', '2606:4700::1111'],
  ])('unmaps %s to %s', (input, output) => {
    expect(unmapIpv4(input)).toBe(output);
  });

  it('lets the operator\'s own exceptions through (fetch.allowAddresses), and nothing else', () => {
    const policy = new AddressPolicy(undefined, ['10.1.2.3', '192.168.0.0/24', 'fd00::/8']);
    expect(policy.isBlocked('10.1.2.3')).toBe(false);
    expect(policy.isBlocked('::ffff:10.1.2.3')).toBe(false);
    expect(policy.isBlocked('10.1.2.4')).toBe(true);
    expect(policy.isBlocked('192.168.0.77')).toBe(false);
    expect(policy.isBlocked('192.168.1.1')).toBe(true);
    expect(policy.isBlocked('fd12::1')).toBe(false);
    expect(policy.isBlocked('127.0.0.1')).toBe(true);
    expect(policy.isBlocked('8.8.8.8')).toBe(false);
  });

  it.each([
    ['10.0.0.0/8', { network: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['10.1.2.3', { network: '10.1.2.3', prefix: 32, family: 'ipv4' }],
    ['fd00::/8', { network: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['10.0.0.0/33', null], ['10.0.0.0/x', null], ['intranet.example', null], ['', null],
  ])('parseSubnet(%j)', (text, subnet) => {
    expect(parseSubnet(text)).toEqual(subnet);
  });
});
