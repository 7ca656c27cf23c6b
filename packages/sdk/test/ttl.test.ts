import { describe, expect, it } from 'vitest';
import { isIpClaim, parseTtl, type Ttl } from '@urlseal/sdk';

describe('parseTtl', () => {
  it.each([[90, 90], ['90', 90], ['90s', 90], ['5m', 300], ['2h', 7200], ['1d', 86400]] as Array<[Ttl, number]>)('%s → %i s', (ttl, seconds) => {
    expect(parseTtl(ttl)).toBe(seconds);
  });
  it.each([0, -1, 1.5, '', '5 m', '5w', '-5m', '0s', '1d1h', 86401, '25h', NaN])('refuses %s', (ttl) => {
    expect(() => parseTtl(ttl as number)).toThrow(TypeError);
  });
  it('names the option and honours maxTtl', () => {
    expect(() => parseTtl('2h', 3600)).toThrow(/^parseTtl: option "ttl" is 7200 s, above maxTtl \(3600 s\)/);
    expect(() => parseTtl('5m', 3600, 'createSigner', 'ttl')).not.toThrow();
    expect(() => parseTtl('-5m')).toThrow(/must be more than 0 seconds/);
    expect(parseTtl('2d', 172800)).toBe(172800);
  });
});

describe('isIpClaim', () => {
  it.each(['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::1', '2001:db8::/32', '::/0'])('accepts %s', (ip) => {
    expect(isIpClaim(ip)).toBe(true);
  });
  it.each(['10.0.0', '10.0.0.256', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', 'fe80::1%eth0', '2001:db8::/129', 'host', 5])(
    'refuses %s',
    (ip) => {
      expect(isIpClaim(ip)).toBe(false);
    },
  );
});

describe('Ttl (the type)', () => {
  it('accepts seconds and the four units, and rejects other units at compile time', () => {
    const ok: Ttl[] = [90, '90', '90s', '5m', '2h', '1d'];
    // @ts-expect-error: "y" is not a unit (tsc over this file fails if this ever compiles)
    const tenYears: Ttl = '10y';
    // @ts-expect-error: a unit needs digits before it
    const noDigits: Ttl = 'm';
    expect(ok.map((ttl) => parseTtl(ttl, 172800))).toEqual([90, 90, 90, 300, 7200, 86400]);
    expect(() => parseTtl(tenYears)).toThrow(TypeError);
    expect(() => parseTtl(noDigits)).toThrow(TypeError);
  });
});
