// Tokens made by other JWT libraries verify at the edge: `jsonwebtoken` (HS256/384/512
// with `keyid`, and ES256 from a node:crypto PEM) and `jose` (ES256, EdDSA).
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';

const HS_SECRET = 'jsonwebtoken-interop-secret-0123456789';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (bytes: string) => Buffer.from(bytes).toString('base64url');

/** Runs the edge's checks with the token in each carrier of SPEC §6. */
async function grantedEverywhere(keyring: object, token: string, path = '/videos/a.mp4') {
  const verifier = createVerifier({ keyring: keyring as never });
  const results = [];
  for (const [target, headers] of [
    [`/_token/${token}${path}`, {}],
    [`${path}?token=${token}`, {}],
    [path, { authorization: `Bearer ${token}` }],
    [path, { cookie: `urlseal=${token}` }],
  ] as Array<[string, Record<string, string>]>) {
    results.push(await verifier.decide({ method: 'GET', target, header: (n) => headers[n] }));
  }
  return results;
}

describe('jsonwebtoken → edge', () => {
  it('HS256 with keyid, exp/iat/path claims, from a `kids` keyring', async () => {
    const token = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 300 }, HS_SECRET, { algorithm: 'HS256', keyid: 'h1' });
    for (const r of await grantedEverywhere({ kids: { h1: HS_SECRET } }, token)) {
      expect(r).toMatchObject({ ok: true, scheme: 'jwt', target: '/videos/a.mp4' });
      if (r.ok) expect(r.claims).toMatchObject({ path: '/videos/*' });
    }
  });

  it('HS384 and HS512 from a JWK `oct` keyring', async () => {
    for (const alg of ['HS384', 'HS512'] as const) {
      const keyring = { keys: [{ kty: 'oct', kid: `k-${alg}`, alg, k: b64(HS_SECRET) }] };
      const token = jsonwebtoken.sign({ path: ['/videos/a.mp4', '/videos/b.mp4'], exp: now() + 60 }, HS_SECRET, { algorithm: alg, keyid: `k-${alg}` });
      for (const r of await grantedEverywhere(keyring, token)) expect(r.ok, alg).toBe(true);
    }
  });

  it('ES256 from a node:crypto PEM key, verified with the public JWK only', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const token = jsonwebtoken.sign({ path: '/videos/a.mp4', exp: now() + 60 }, privateKey.export({ format: 'pem', type: 'pkcs8' }), { algorithm: 'ES256', keyid: 'p1' });
    for (const r of await grantedEverywhere({ keys: [{ ...jwk, kid: 'p1' }] }, token)) expect(r.ok).toBe(true);
  });

  it('denies what the keyring does not fix: another alg, unknown kid, expired, other path', async () => {
    const keyring = { kids: { h1: HS_SECRET } };
    const verifier = createVerifier({ keyring });
    const check = (token: string, path = '/videos/a.mp4') => verifier.decide({ method: 'GET', target: `${path}?token=${token}`, header: () => undefined });
    const hs512 = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 60 }, HS_SECRET, { algorithm: 'HS512', keyid: 'h1' });
    expect(await check(hs512)).toMatchObject({ ok: false, status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
    const other = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 60 }, HS_SECRET, { algorithm: 'HS256', keyid: 'h2' });
    expect(await check(other)).toMatchObject({ ok: false, status: 401, code: 'ERR_KID_UNKNOWN' });
    const wrongKey = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 60 }, `${HS_SECRET}-x`, { algorithm: 'HS256', keyid: 'h1' });
    expect(await check(wrongKey)).toMatchObject({ ok: false, status: 403, code: 'ERR_SIGNATURE_INVALID' });
    const expired = jsonwebtoken.sign({ path: '/videos/*', exp: now() - 120, iat: now() - 300 }, HS_SECRET, { algorithm: 'HS256', keyid: 'h1' });
    expect(await check(expired)).toMatchObject({ ok: false, status: 410, code: 'ERR_TOKEN_EXPIRED' });
    const valid = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 60 }, HS_SECRET, { algorithm: 'HS256', keyid: 'h1' });
    expect(await check(valid, '/videos-2/a.mp4')).toMatchObject({ ok: false, status: 403, code: 'ERR_PATH_MISMATCH' });
    const noKid = jsonwebtoken.sign({ path: '/videos/*', exp: now() + 60 }, HS_SECRET, { algorithm: 'HS256' });
    expect(await check(noKid)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('jose → edge', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg}, verified with the public JWK only`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
      const jwk = await exportJWK(publicKey);
      const token = await new SignJWT({ path: '/videos/*' })
        .setProtectedHeader({ alg, kid: 'a1', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      for (const r of await grantedEverywhere({ keys: [{ ...jwk, kid: 'a1' }] }, token)) expect(r.ok, alg).toBe(true);
      const verifier = createVerifier({ keyring: { keys: [{ ...jwk, kid: 'a1' }] } as never });
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.${b64('x'.repeat(64))}`;
      expect(await verifier.decide({ method: 'GET', target: `/videos/a.mp4?token=${forged}`, header: () => undefined })).toMatchObject({
        ok: false,
        status: 403,
        code: 'ERR_SIGNATURE_INVALID',
      });
    });
  }
});
