import { describe, expect, it } from 'vitest';
import { UrlsealError } from '@urlseal/edge/contract';
import { createSigner, type SignOptions } from '@urlseal/sdk';
import { HS_KEYRING, NOW, NOW_DATE, decodeSegment } from './helpers.js';

const signer = createSigner({ keyring: HS_KEYRING, currentDate: NOW_DATE });

function tokenOf(url: string): string {
  const query = /[?&]token=([^&#]+)/.exec(url);
  if (query) return query[1] as string;
  return (/\/_token\/([^/]+)\//.exec(url) as RegExpExecArray)[1] as string;
}

describe('signToken', () => {
  it('writes the exact header and the SPEC §4 claims', () => {
    const token = signer.signToken('/videos/a.mp4');
    expect(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).toBe('{"alg":"HS256","kid":"k1","typ":"JWT"}');
    expect(decodeSegment(token, 1)).toEqual({ path: '/videos/a.mp4', exp: NOW + 300, iat: NOW });
  });

  it('keeps several patterns as an array and sets optional claims only when given', () => {
    const token = signer.signToken(['/a/*', '/b.mp4'], { sub: 'u1', jti: 'j1', ip: '203.0.113.0/24', nbf: NOW, ttl: '2h' });
    expect(decodeSegment(token, 1)).toEqual({
      path: ['/a/*', '/b.mp4'], exp: NOW + 7200, iat: NOW, nbf: NOW, sub: 'u1', jti: 'j1', ip: '203.0.113.0/24',
    });
  });

  it('lets expires override ttl, past or far future', () => {
    expect(decodeSegment(signer.signToken('/a', { expires: 1 }), 1).exp).toBe(1);
    expect(decodeSegment(signer.signToken('/a', { expires: 4102444800 }), 1).exp).toBe(4102444800);
  });

  it('reads a clock function on every call', () => {
    let now = NOW_DATE;
    const ticking = createSigner({ keyring: HS_KEYRING, ttl: 60, currentDate: () => now });
    now = new Date((NOW + 10) * 1000);
    expect(decodeSegment(ticking.signToken('/a'), 1)).toMatchObject({ iat: NOW + 10, exp: NOW + 70 });
  });

  it('signs with the HMAC size the keyring names (HS384, HS512)', () => {
    for (const alg of ['HS384', 'HS512'] as const) {
      const k = Buffer.alloc(64, 7).toString('base64url');
      const s = createSigner({ keyring: { keys: [{ kty: 'oct', kid: 'h', k, alg }] }, currentDate: NOW_DATE });
      const token = s.signToken('/a');
      expect(decodeSegment(token, 0).alg).toBe(alg);
      expect(Buffer.from(token.split('.')[2] as string, 'base64url').length).toBe(alg === 'HS384' ? 48 : 64);
    }
  });
});

describe('signUrl', () => {
  it('defaults to the exact path in the query for an exact grant, keeping params and fragment', () => {
    const url = signer.signUrl('https://cdn.example/videos/a.mp4?lang=pt&x=1#t=10');
    expect(url).toMatch(/^https:\/\/cdn\.example\/videos\/a\.mp4\?lang=pt&x=1&token=[\w-]+\.[\w-]+\.[\w-]+#t=10$/);
    expect(decodeSegment(tokenOf(url), 1).path).toBe('/videos/a.mp4');
  });

  it('defaults to the path transport for a prefix grant and returns a path for a path', () => {
    const url = signer.signUrl('/videos/course-1/master.m3u8', { grant: '/videos/course-1/*' });
    expect(url).toMatch(/^\/_token\/[\w-]+\.[\w-]+\.[\w-]+\/videos\/course-1\/master\.m3u8$/);
    expect(decodeSegment(tokenOf(url), 1).path).toBe('/videos/course-1/*');
  });

  it('honours an explicit transport, query parameter and path segment', () => {
    const custom = createSigner({ keyring: HS_KEYRING, currentDate: NOW_DATE, params: { token: 'auth', pathSegment: 't' }, transport: 'path' });
    expect(custom.signUrl('/a.mp4')).toMatch(/^\/t\/[\w.-]+\/a\.mp4$/);
    expect(custom.signUrl('/d/a.mp4', { grant: '/d/*', transport: 'query' })).toMatch(/^\/d\/a\.mp4\?auth=[\w.-]+$/);
  });

  it('grants the decoded path and sends it encoded as written', () => {
    const url = signer.signUrl('https://cdn.example/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4');
    expect(url.startsWith('https://cdn.example/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4?token=')).toBe(true);
    expect(decodeSegment(tokenOf(url), 1).path).toBe('/cursos/aula-ção/vídeo.mp4');
  });

  it('percent-encodes a space or non-ASCII character the way a browser sends it', () => {
    const url = signer.signUrl('/videos/my lesson ção.mp4');
    expect(url.startsWith('/videos/my%20lesson%20%C3%A7%C3%A3o.mp4?token=')).toBe(true);
    expect(decodeSegment(tokenOf(url), 1).path).toBe('/videos/my lesson ção.mp4');
  });
});

describe('signCookie', () => {
  it('scopes the cookie to the prefix directory and the lifetime', () => {
    const cookie = signer.signCookie('/videos/course-1/*', { ttl: 600 }).serialize();
    expect(cookie).toMatch(/^urlseal=[\w-]+\.[\w-]+\.[\w-]+; Path=\/videos\/course-1\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('uses the exact path, or the common directory of several patterns', () => {
    expect(signer.signCookie('/v/my file.mp4').serialize()).toContain('; Path=/v/my%20file.mp4; Max-Age=300;');
    expect(signer.signCookie(['/v/x.mp4', '/v/x.mp4.vtt']).path).toBe('/v/');
    expect(signer.signCookie(['/a/b/*', '/c/*']).path).toBe('/');
  });

  it('takes a Domain for a sibling host and a SameSite (None is always Secure)', () => {
    const cookie = signer.signCookie('/videos/course-1/*', { ttl: 600, domain: 'Example.com', sameSite: 'None' });
    expect(cookie).toMatchObject({ domain: 'example.com', sameSite: 'None', secure: true });
    expect(cookie.serialize()).toMatch(/^urlseal=[\w-]+\.[\w-]+\.[\w-]+; Path=\/videos\/course-1\/; Domain=example\.com; Max-Age=600; HttpOnly; Secure; SameSite=None$/);
    expect(signer.signCookie('/a', { sameSite: 'Strict' }).serialize()).toMatch(/; Secure; SameSite=Strict$/);
    expect(signer.signCookie('/a')).not.toHaveProperty('domain');
  });

  it('refuses a time in milliseconds, naming the unit', () => {
    expect(() => signer.signUrl('/a.mp4', { expires: Date.now() + 60000 })).toThrow(/^signUrl: option "expires" is above 10\^11, a time in milliseconds/);
    expect(() => signer.signUrl('/a.mp4', { expires: 99_999_999_999 })).not.toThrow();
  });

  it('never writes a negative Max-Age for a past expiry', () => {
    expect(signer.signCookie('/a', { expires: NOW - 5 }).serialize()).toContain('; Max-Age=0;');
  });
});

describe('asymmetric keys', () => {
  it('refuses a keyring whose active key cannot sign', () => {
    const x = Buffer.alloc(32, 1).toString('base64url');
    expect(() => createSigner({ keyring: { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e', x }] } })).toThrow(TypeError);
  });
});

describe('TypeErrors', () => {
  const keyring = HS_KEYRING;
  const factoryCases: Array<[string, unknown]> = [
    ['no options', undefined],
    ['no keyring', {}],
    ['keyring of the wrong type', { keyring: 42 }],
    ['ttl zero', { keyring, ttl: 0 }],
    ['ttl negative', { keyring, ttl: -5 }],
    ['ttl above maxTtl', { keyring, ttl: '2d' }],
    ['ttl with a bad unit', { keyring, ttl: '5w' }],
    ['ttl fractional', { keyring, ttl: 1.5 }],
    ['maxTtl zero', { keyring, maxTtl: 0 }],
    ['unknown scheme', { keyring, scheme: 'paseto' }],
    ['unknown transport', { keyring, transport: 'header' }],
    ['a token parameter with a space', { keyring, params: { token: 'a b' } }],
    ['a token parameter shadowing st', { keyring, params: { token: 'st' } }],
    ['a cookie name with ;', { keyring, params: { cookie: 'a;b' } }],
    ['an unknown carrier', { keyring, params: { header: 'x' } }],
    ['the old option name param', { keyring, param: 'auth' }],
    ['currentDate not a date', { keyring, currentDate: 'now' }],
    ['unknown option', { keyring, expire: 5 }],
    ['secure-token without a secret', { keyring, scheme: 'secure-token' }],
    ['jwt without a JWT key', { keyring: { secureToken: ['x'.repeat(32)] } }],
  ];
  it.each(factoryCases)('createSigner: %s', (_name, options) => {
    expect(() => createSigner(options as never)).toThrow(TypeError);
  });

  it('createSigner: an invalid keyring is ERR_KEYRING_INVALID', () => {
    expect(() => createSigner({ keyring: { kids: { k: 'short' } } })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYRING_INVALID' }) as UrlsealError,
    );
  });

  const urlCases: Array<[string, string, SignOptions]> = [
    ['a relative path', 'videos/a.mp4', {}],
    ['a dot-dot segment', '/videos/../a.mp4', {}],
    ['an encoded dot-dot', '/videos/%2e%2e/a.mp4', {}],
    ['an encoded slash', '/videos%2Fa.mp4', {}],
    ['an empty segment', '/videos//a.mp4', {}],
    ['a semicolon', '/videos/a.mp4;x', {}],
    ['a backslash', '/videos\\a.mp4', {}],
    ['invalid UTF-8', '/videos/%C3.mp4', {}],
    ['an existing token parameter', '/a.mp4?token=x', {}],
    ['an existing st parameter', '/a.mp4?st=x&e=1', {}],
    ['an existing token path', '/_token/x/a.mp4', {}],
    ['a grant not covering the url', '/a.mp4', { grant: '/b/*' }],
    ['a non-canonical grant', '/a/b.mp4', { grant: '/a/../a/*' }],
    ['17 patterns', '/a/0', { grant: Array.from({ length: 17 }, (_, i) => `/a/${i}`) }],
    ['an empty grant list', '/a', { grant: [] }],
    ['ttl zero', '/a', { ttl: 0 }],
    ['ttl above maxTtl', '/a', { ttl: 86401 }],
    ['expires fractional', '/a', { expires: 1.5 }],
    ['expires as a string', '/a', { expires: '1800000000' as never }],
    ['an ip that is no address', '/a', { ip: '10.0.0' }],
    ['an ip with a prefix out of range', '/a', { ip: '10.0.0.0/33' }],
    ['an IPv6 prefix out of range', '/a', { ip: '2001:db8::/129' }],
    ['an empty sub', '/a', { sub: '' }],
    ['a jti that is not text', '/a', { jti: 5 as never }],
    ['an unknown option', '/a', { expire: 5 } as never],
    ['an unknown transport', '/a', { transport: 'cookie' as never }],
  ];
  it.each(urlCases)('signUrl: %s', (_name, url, options) => {
    expect(() => signer.signUrl(url, options)).toThrow(TypeError);
  });

  it('signToken/signCookie refuse a grant option, a transport and the secure-token scheme', () => {
    const both = createSigner({ keyring: { ...HS_KEYRING, secureToken: ['y'.repeat(32)] } });
    expect(() => both.signToken('/a', { grant: '/b' } as never)).toThrow(/^signToken: option "grant"/);
    expect(() => both.signCookie('/a', { transport: 'path' } as never)).toThrow(/^signCookie: option "transport"/);
    expect(() => both.signToken('/a', { scheme: 'secure-token' })).toThrow(/^signToken: option "scheme"/);
    expect(() => both.signToken('a')).toThrow(TypeError);
  });

  it('error messages never hold the path, claim or secret', () => {
    const error = (() => {
      try {
        signer.signUrl('/secret-course/%2e%2e/x', { sub: 'student-42' });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('signUrl accepted a non-canonical path');
    })();
    expect(error.message).toMatch(/^signUrl: url path is not canonical/);
    expect(error.message).not.toMatch(/secret-course|student-42|test-secret/);
  });
});
