import { describe, expect, it } from 'vitest';
import { ipInRange, parseIpRange } from '../src/contract/ip.js';

const inRange = (client: string, claim: string): boolean => ipInRange(client, parseIpRange(claim)!);

describe('parseIpRange', () => {
  it('parses IPv4, IPv6 with :: compression, mapped addresses and CIDRs', () => {
    for (const text of ['1.2.3.4', '0.0.0.0/0', '10.0.0.0/8', '255.255.255.255/32', '::', '::1', '1::', '2001:db8::/32',
      '2001:db8:0:0:0:0:0:1', '::ffff:1.2.3.4', '64:ff9b::192.0.2.33', 'fe80::1:2', '::/0', 'ABCD:ef01::/128']) {
      expect(parseIpRange(text), text).toBeDefined();
    }
  });

  it('refuses malformed claims', () => {
    for (const text of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/01', '1.2.3.4/-1',
      ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1::2:3:4:5:6:7:8', '12345::', 'fe80::1%eth0', ':1', '1:', '::1/129',
      ' 1.2.3.4', '1.2.3.4 ', 'localhost', '::ffff:1.2.3', '1.2.3.4::', 'x'.repeat(100)]) {
      expect(parseIpRange(text), text).toBeUndefined();
    }
    expect(parseIpRange(42 as unknown as string)).toBeUndefined();
  });

  it('holds IPv4 as its mapped IPv6 form', () => {
    expect(parseIpRange('1.2.3.4')).toEqual(parseIpRange('::ffff:1.2.3.4'));
    expect(parseIpRange('1.2.3.4')).toEqual(parseIpRange('::ffff:102:304'));
    expect(parseIpRange('10.0.0.0/8')?.prefix).toBe(104);
  });
});

describe('ipInRange', () => {
  it('matches addresses and CIDRs on bit boundaries', () => {
    expect(inRange('203.0.113.9', '203.0.113.9')).toBe(true);
    expect(inRange('203.0.113.10', '203.0.113.9')).toBe(false);
    expect(inRange('203.0.113.200', '203.0.113.0/24')).toBe(true);
    expect(inRange('203.0.114.1', '203.0.113.0/24')).toBe(false);
    expect(inRange('10.255.0.1', '10.128.0.0/9')).toBe(true);
    expect(inRange('10.127.0.1', '10.128.0.0/9')).toBe(false);
    expect(inRange('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inRange('2001:db8:1::5', '2001:db8::/32')).toBe(true);
    expect(inRange('2001:db9::5', '2001:db8::/32')).toBe(false);
    expect(inRange('::1', '::1')).toBe(true);
  });

  it('treats IPv4-mapped IPv6 clients as their IPv4 address', () => {
    expect(inRange('::ffff:203.0.113.9', '203.0.113.0/24')).toBe(true);
    expect(inRange('203.0.113.9', '::ffff:203.0.113.9')).toBe(true);
    expect(inRange('::FFFF:cb00:7109', '203.0.113.9')).toBe(true);
  });

  it('never matches a malformed client or an IPv6 client against IPv4', () => {
    expect(inRange('', '0.0.0.0/0')).toBe(false);
    expect(inRange('1.2.3.4/8', '0.0.0.0/0')).toBe(false);
    expect(inRange('not-ip', '0.0.0.0/0')).toBe(false);
    expect(inRange('2001:db8::1', '0.0.0.0/0')).toBe(false);
    expect(inRange('fe80::1%eth0', '::/0')).toBe(false);
  });
});
