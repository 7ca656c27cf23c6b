import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSecureToken, parseSecureToken } from '../src/contract/secure-token.js';
import { ST_SECRET, backends } from './helpers.js';

interface Vector { secret: string; path: string; e: string; st: string; url_path: string }
const vectors = (JSON.parse(readFileSync(new URL('../../../test/vectors/secure-token.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

describe('computeSecureToken', () => {
  it('reproduces every vector of test/vectors/secure-token.json', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
    for (const v of vectors) {
      expect(computeSecureToken(v.secret, v.path, v.e)).toBe(v.st);
      expect(computeSecureToken(new TextEncoder().encode(v.secret), v.path, Number(v.e))).toBe(v.st);
    }
  });

  it('gives the SPEC §5 known answer', () => {
    expect(computeSecureToken('mysecret', '/my/uri', 1470055000)).toBe('m6WCATfRgS_5lcyChCPgrw');
  });
});

describe('parseSecureToken', () => {
  it('takes exactly 22 canonical base64url characters and 10 digits', () => {
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '1470055000')).toBe(1470055000);
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgr', '1470055000')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw=', '1470055000')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrx', '1470055000')).toBeUndefined(); // non-canonical last char
    expect(parseSecureToken('m6WCATfRgS+5lcyChCPgrw', '1470055000')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '147005500')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '14700550000')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '147005500x')).toBeUndefined();
    expect(parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '+147005500')).toBeUndefined();
  });
});

describe.each(backends)('secure-token verification (%s backend)', (_name, createVerifier) => {
  const at = (seconds: number) => createVerifier({ keyring: { secureToken: [ST_SECRET, 'x'.repeat(32)] }, currentDate: new Date(seconds * 1000), maxTtl: 10 * 365 * 86400 });

  it('grants every vector with its secret (url_path on the wire)', async () => {
    for (const v of vectors.filter((x) => Buffer.byteLength(x.secret) >= 32)) {
      const verifier = createVerifier({ keyring: { secureToken: [v.secret] }, currentDate: new Date((Number(v.e) - 60) * 1000) });
      const result = await verifier.verify(new Request(`https://cdn.test${v.url_path}?st=${v.st}&e=${v.e}`));
      expect(result).toMatchObject({ ok: true, scheme: 'secure-token', claims: { exp: Number(v.e) } });
      if (result.ok) expect(new URL(result.forward.url).search).toBe('');
    }
  });

  it('tries every secret (rotation)', async () => {
    const st = computeSecureToken('x'.repeat(32), '/a.mp4', 1800000000);
    expect((await at(1799999000).verifySecureToken(st, '1800000000', '/a.mp4')).ok).toBe(true);
  });

  it('is expired only when e < now (no leeway), after the signature', async () => {
    const st = computeSecureToken(ST_SECRET, '/a.mp4', 1800000000);
    expect((await at(1800000000).verifySecureToken(st, '1800000000', '/a.mp4')).ok).toBe(true);
    expect(await at(1800000001).verifySecureToken(st, '1800000000', '/a.mp4')).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', status: 410 });
    const forged = computeSecureToken('y'.repeat(32), '/a.mp4', 1700000000);
    expect(await at(1800000001).verifySecureToken(forged, '1700000000', '/a.mp4')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID', status: 403 });
  });

  it('refuses e − now > maxTtl', async () => {
    const verifier = createVerifier({ keyring: { secureToken: [ST_SECRET] }, currentDate: new Date(1_800_000_000_000), maxTtl: 3600 });
    const ok = computeSecureToken(ST_SECRET, '/a.mp4', 1800003600);
    const far = computeSecureToken(ST_SECRET, '/a.mp4', 1800003601);
    expect((await verifier.verifySecureToken(ok, '1800003600', '/a.mp4')).ok).toBe(true);
    expect(await verifier.verifySecureToken(far, '1800003601', '/a.mp4')).toMatchObject({ code: 'ERR_CLAIM_INVALID', status: 401 });
  });

  it('binds the path: another path, or digits shifted into e, is a bad signature', async () => {
    const verifier = at(1799999000);
    const st = computeSecureToken(ST_SECRET, '/seg-1', 1800000000);
    expect(await verifier.verifySecureToken(st, '1800000000', '/seg-2')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    // "/seg-1" + "800000000x" style shifts cannot pass: e must be exactly 10 digits.
    expect(await verifier.verifySecureToken(st, '800000000', '/seg-11')).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
  });

  it('answers ERR_ALG_NOT_ALLOWED when the keyring has no secure-token secret', async () => {
    const verifier = createVerifier({ keyring: { kids: { k1: 'z'.repeat(32) } }, currentDate: new Date(1_799_999_000_000) });
    const st = computeSecureToken(ST_SECRET, '/a.mp4', 1800000000);
    expect(await verifier.verify(new Request(`https://cdn.test/a.mp4?st=${st}&e=1800000000`))).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED', status: 401 });
  });
});
