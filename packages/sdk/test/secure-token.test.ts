import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSigner, secureToken } from '@urlseal/sdk';
import { NOW_DATE } from './helpers.js';

interface Vector { secret: string; path: string; e: string; st: string; url_path: string }
const { vectors } = JSON.parse(
  readFileSync(new URL('../../../test/vectors/secure-token.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

describe('secureToken (pure)', () => {
  it('matches the upstream README known answer', () => {
    expect(secureToken('mysecret', '/my/uri', 1470055000)).toBe('m6WCATfRgS_5lcyChCPgrw');
  });

  it.each(vectors)('matches vector $path ($e)', (v) => {
    expect(secureToken(v.secret, v.path, v.e)).toBe(v.st);
    expect(secureToken(Buffer.from(v.secret), v.path, Number(v.e))).toBe(v.st);
  });

  it('refuses a non-canonical path and an e that is not 10 digits', () => {
    expect(() => secureToken('mysecret', '/a/../b', 1470055000)).toThrow(TypeError);
    expect(() => secureToken('mysecret', '/a', 147005500)).toThrow(TypeError);
    expect(() => secureToken('mysecret', '/a', '1470055000 ')).toThrow(TypeError);
  });

  it('says "milliseconds" for an e that can only be milliseconds', () => {
    expect(() => secureToken('mysecret', '/a', 1470055000000)).toThrow(/^secureToken: option "expires" is above 10\^11, a time in milliseconds/);
    expect(() => secureToken('mysecret', '/a', '1470055000000')).toThrow(/a time in milliseconds/);
    const signer = createSigner({ keyring: { secureToken: ['0123456789abcdef0123456789abcdef'] }, scheme: 'secure-token' });
    expect(() => signer.signUrl('/a', { expires: 1470055000000 })).toThrow(/^signUrl: option "expires" is above 10\^11, a time in milliseconds/);
  });
});

describe('signUrl with scheme secure-token', () => {
  const keyable = vectors.filter((v) => Buffer.byteLength(v.secret) >= 32);

  it.each(keyable)('is byte-identical to vector $path', (v) => {
    const signer = createSigner({ keyring: { secureToken: [v.secret] }, scheme: 'secure-token' });
    const url = signer.signUrl(`https://cdn.example${v.url_path}`, { expires: Number(v.e) });
    expect(url).toBe(`https://cdn.example${v.url_path}?st=${v.st}&e=${v.e}`);
    expect(signer.signUrl(v.path, { expires: Number(v.e) })).toBe(`${v.url_path}?st=${v.st}&e=${v.e}`);
  });

  it('signs with the first secret, keeps query parameters, and uses ttl by default', () => {
    const signer = createSigner({
      keyring: { secureToken: ['0123456789abcdef0123456789abcdef', 'z'.repeat(32)] },
      scheme: 'secure-token',
      currentDate: new Date(1799999700 * 1000),
    });
    expect(signer.signUrl('/videos/my%20lesson.mp4?q=1')).toBe('/videos/my%20lesson.mp4?q=1&st=-PukUhOIveDDpnVWnDRs5Q&e=1800000000');
  });

  const signer = createSigner({ keyring: { secureToken: ['x'.repeat(32)] }, scheme: 'secure-token', currentDate: NOW_DATE });
  const cases: Array<[string, object]> = [
    ['a prefix grant', { grant: '/a/*' }],
    ['a list grant', { grant: ['/a/b', '/a/c'] }],
    ['a different exact grant', { grant: '/a/c' }],
    ['a sub', { sub: 'u' }],
    ['an ip', { ip: '10.0.0.1' }],
    ['the path transport', { transport: 'path' }],
    ['an e of 11 digits', { expires: 10000000000 }],
    ['an e of 9 digits', { expires: 999999999 }],
  ];
  it.each(cases)('refuses %s', (_name, options) => {
    expect(() => signer.signUrl('/a/b', options)).toThrow(TypeError);
  });
});
