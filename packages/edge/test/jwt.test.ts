import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_BYTES, checkClaims, createCachingJwtParser, createJwtParser, decodeSegmentText, parseJwt, type ClaimPolicy } from '../src/contract/jwt.js';
import { NOW, b64, claims, hs256 } from './helpers.js';

const header = { alg: 'HS256', kid: 'k1', typ: 'JWT' };
const policy: ClaimPolicy = { leeway: 30, maxTtl: 86400, audience: undefined, issuer: undefined };

describe('parseJwt', () => {
  it('splits a well-formed token', () => {
    const token = hs256(claims());
    const parsed = parseJwt(token);
    expect(parsed?.header).toEqual(header);
    expect(parsed?.payload).toEqual(claims());
    expect(parsed?.signingInput).toBe(token.slice(0, token.lastIndexOf('.')));
  });

  it('refuses anything not exactly three strict base64url segments', () => {
    const token = hs256(claims());
    const [h, p, s] = token.split('.') as [string, string, string];
    for (const bad of ['', 'a', 'a.b', `${h}.${p}`, `${token}.`, `${h}.${p}.${s}.x`, `${h}..${s}`,
      `${h}=.${p}.${s}`, `${h}.${p}.${s}=`, ` ${token}`, `${token} `, `${h}.${p}.${s.slice(0, -1)}+`, `${h}.${p}\n.${s}`,
      `${h.slice(0, -1)}.${p}.${s}`, `${h}.${p}.${s.slice(0, -1)}B`]) {
      expect(parseJwt(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('parses an empty signature (zero bytes of base64url); it fails later as a bad signature', () => {
    const [h, p] = hs256(claims()).split('.') as [string, string];
    expect(parseJwt(`${h}.${p}.`)?.signature).toBe('');
  });

  it('refuses non-canonical trailing bits', () => {
    // "eyJ9" is "{}"-ish; a final character with non-zero unused bits must not decode.
    const h = b64(header);
    const p = b64({ exp: NOW });
    const tweaked = p.length % 4 === 2 ? `${p.slice(0, -1)}${String.fromCharCode(p.charCodeAt(p.length - 1) + 1)}` : undefined;
    if (tweaked) expect(parseJwt(`${h}.${tweaked}.AAAA`)).toBeUndefined();
  });

  it('needs JSON objects for header and payload', () => {
    for (const [h, p] of [['[]', '{}'], ['{}', '[]'], ['null', '{}'], ['{}', '1'], ['{', '{}'], ['{}', '"x"'], ['{}', '{"a":1}x']]) {
      expect(parseJwt(`${b64(h)}.${b64(p)}.AAAA`), `${h} ${p}`).toBeUndefined();
    }
    expect(parseJwt(`${b64(Buffer.from([0xff, 0xfe]).toString('latin1'))}.${b64('{}')}.AAAA`)).toBeUndefined();
  });

  it('refuses invalid UTF-8 in a segment', () => {
    const badUtf8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('base64url');
    expect(createJwtParser(decodeSegmentText)(`${b64(header)}.${badUtf8}.AAAA`)).toBeUndefined();
  });

  it('refuses crit and b64 headers', () => {
    expect(parseJwt(`${b64({ ...header, crit: ['exp'] })}.${b64({})}.AAAA`)).toBeUndefined();
    expect(parseJwt(`${b64({ ...header, b64: false })}.${b64({})}.AAAA`)).toBeUndefined();
    expect(parseJwt(`${b64({ ...header, b64: true })}.${b64({})}.AAAA`)).toBeUndefined();
  });

  it('bounds the token to 4096 bytes before decoding', () => {
    const base = `${b64(header)}.${b64({ pad: '' })}.AAAA`;
    const fill = (n: number) => `${b64(header)}.${b64({ pad: 'x'.repeat(n) })}.AAAA`;
    let n = 0;
    while (fill(n + 1).length <= MAX_TOKEN_BYTES) n++;
    expect(fill(n).length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect(parseJwt(fill(n))).toBeDefined();
    expect(parseJwt(fill(n + 3))).toBeUndefined();
    expect(parseJwt(base)).toBeDefined();
  });

  it('parses the same with and without the header cache', () => {
    const plain = createJwtParser(decodeSegmentText);
    const cached = createCachingJwtParser(decodeSegmentText);
    const tokens = [hs256(claims()), hs256(claims(), { alg: 'HS256', kid: 'k2' }), `${b64({ ...header, crit: [] })}.${b64({})}.AAAA`, 'a.b.c', hs256(claims())];
    for (const token of tokens) expect(cached(token)).toEqual(plain(token));
  });

  it('serves a cached header only for the exact same header text', () => {
    const parse = createCachingJwtParser(decodeSegmentText);
    expect(parse(hs256(claims()))?.header.kid).toBe('k1');
    expect(parse(hs256(claims(), { alg: 'HS256', kid: 'k2' }))?.header.kid).toBe('k2');
    expect(parse(hs256(claims(), { alg: 'HS256', kid: 'k1', typ: 'JWT', x: 1 }))?.header.x).toBe(1);
    for (let i = 0; i < 40; i++) expect(parse(hs256(claims(), { alg: 'HS256', kid: `k${i}` }))?.header.kid).toBe(`k${i}`);
    expect(parse(`${b64({ ...header, crit: [] })}.${b64({})}.AAAA`)).toBeUndefined();
  });
});

describe('checkClaims', () => {
  // The code of a failure, or the checked claims.
  const check = (payload: Record<string, unknown>, p = policy) => {
    const result = checkClaims(payload, NOW, p);
    return 'code' in result ? result.code : result;
  };

  it('names the claim that failed (for logs)', () => {
    expect(checkClaims(claims({ exp: NOW - 100 }), NOW, policy)).toEqual({ code: 'ERR_TOKEN_EXPIRED', claim: 'exp' });
    expect(checkClaims(claims({ nbf: NOW + 100 }), NOW, policy)).toEqual({ code: 'ERR_CLAIM_INVALID', claim: 'nbf' });
    expect(checkClaims(claims({ path: 7 }), NOW, policy)).toEqual({ code: 'ERR_CLAIM_INVALID', claim: 'path' });
    expect(checkClaims(claims({ exp: NOW + 90_000 }), NOW, policy)).toEqual({ code: 'ERR_CLAIM_INVALID', claim: 'exp beyond maxTtl' });
  });

  it('accepts a valid payload and returns the grant', () => {
    const result = check(claims({ path: ['/a.mp4', '/b/*'], sub: 's', jti: 'j', ip: '10.0.0.0/8' }));
    expect(result).toMatchObject({ grant: ['/a.mp4', '/b/*'] });
  });

  it('requires exp as a safe integer', () => {
    for (const exp of [undefined, '123', 1.5, Number.NaN, Infinity, 2 ** 53, null, [NOW + 10], { v: 1 }]) {
      expect(check(claims({ exp })), String(exp)).toBe('ERR_CLAIM_INVALID');
    }
    expect(check(JSON.parse(`{"exp":1e400,"path":"/a"}`))).toBe('ERR_CLAIM_INVALID');
    expect(check(claims({ exp: -1 }))).toBe('ERR_TOKEN_EXPIRED'); // signed, integer, long past
  });

  it('types iat, nbf, sub, jti, path and ip', () => {
    for (const extra of [{ iat: '1' }, { iat: 1.5 }, { nbf: 'x' }, { sub: 1 }, { jti: {} }, { path: undefined }, { path: 'a' },
      { path: [] }, { path: Array(17).fill('/a') }, { path: ['/a/../b'] }, { path: '/a//b' }, { ip: 'nope' }, { ip: 1 }]) {
      expect(check(claims(extra)), JSON.stringify(extra)).toBe('ERR_CLAIM_INVALID');
    }
    expect(check(claims({ path: Array(16).fill('/a') }))).not.toBe('ERR_CLAIM_INVALID');
  });

  it('applies the leeway to exp, nbf and iat', () => {
    expect(check(claims({ exp: NOW - 29 }))).not.toBeTypeOf('string');
    expect(check(claims({ exp: NOW - 30 }))).toBe('ERR_TOKEN_EXPIRED');
    expect(check(claims({ nbf: NOW + 30 }))).not.toBeTypeOf('string');
    expect(check(claims({ nbf: NOW + 31 }))).toBe('ERR_CLAIM_INVALID');
    expect(check(claims({ iat: NOW + 30 }))).not.toBeTypeOf('string');
    expect(check(claims({ iat: NOW + 31 }))).toBe('ERR_CLAIM_INVALID');
  });

  it('bounds exp − now by maxTtl', () => {
    expect(check(claims({ exp: NOW + 86400 }))).not.toBeTypeOf('string');
    expect(check(claims({ exp: NOW + 86401 }))).toBe('ERR_CLAIM_INVALID');
  });

  it('checks aud and iss only when configured', () => {
    expect(check(claims({ aud: 1, iss: 2 }))).not.toBeTypeOf('string');
    const strict = { ...policy, audience: new Set(['lms']), issuer: new Set(['origin']) };
    expect(check(claims({ aud: 'lms', iss: 'origin' }), strict)).not.toBeTypeOf('string');
    expect(check(claims({ aud: ['x', 'lms'], iss: 'origin' }), strict)).not.toBeTypeOf('string');
    expect(check(claims({ aud: 'other', iss: 'origin' }), strict)).toBe('ERR_CLAIM_INVALID');
    expect(check(claims({ iss: 'origin' }), strict)).toBe('ERR_CLAIM_INVALID');
    expect(check(claims({ aud: 'lms' }), strict)).toBe('ERR_CLAIM_INVALID');
    expect(check(claims({ aud: ['lms', 3], iss: 'origin' }), strict)).toBe('ERR_CLAIM_INVALID');
  });
});
