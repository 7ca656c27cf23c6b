// RS256 and PS256, verify-only (SPEC v1.2 "RSA", issue 19): tokens signed by
// jose (an independent implementation) granted on both backends; the alg is
// the keyring's, never the token's; a JWK Set as an identity provider
// publishes it loads, keys this edge cannot use skipped with one line each.
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../src/contract/keyring.js';
import { handle } from '../src/web/handle.js';
import { NOW, SECRET, asymmetricKeys, b64, backends, claims, currentDate, hs256, signAsymmetric } from './helpers.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublic = rsa.publicKey.export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string };
const rsaPrivate = rsa.privateKey.export({ format: 'jwk' }) as Record<string, string>;
const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as { n: string; e: string };
const { es, ed } = asymmetricKeys();

async function joseToken(alg: 'RS256' | 'PS256', kid: string, body: Record<string, unknown> = claims()): Promise<string> {
  const key = await importJWK(rsaPrivate, alg);
  return new SignJWT(body).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}

const keyring = {
  keys: [
    { ...rsaPublic, kid: 'r1', alg: 'RS256', use: 'sig' },
    { ...rsaPublic, kid: 'r2', alg: 'PS256' },
    { ...rsaPublic, kid: 'r3' }, // no alg: RS256
  ],
};
const PATH = '/videos/course-1/a.ts';

describe.each(backends)('RSA keys (%s backend)', (_name, createVerifier) => {
  const verifier = createVerifier({ keyring, currentDate });

  it('grants jose-signed RS256 and PS256 tokens, and an alg-less RSA key is RS256', async () => {
    expect(await verifier.verifyToken(await joseToken('RS256', 'r1'), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(await joseToken('PS256', 'r2'), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(await joseToken('RS256', 'r3'), PATH)).toMatchObject({ ok: true });
  });

  it('pins the alg per key: PS256 on an RS256 key and RS256 on a PS256 key are ERR_ALG_NOT_ALLOWED', async () => {
    expect(await verifier.verifyToken(await joseToken('PS256', 'r1'), PATH)).toMatchObject({ ok: false, code: 'ERR_ALG_NOT_ALLOWED' });
    expect(await verifier.verifyToken(await joseToken('RS256', 'r2'), PATH)).toMatchObject({ ok: false, code: 'ERR_ALG_NOT_ALLOWED' });
    expect(await verifier.verifyToken(await joseToken('PS256', 'r3'), PATH)).toMatchObject({ ok: false, code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it.each([
    ['the n member', Buffer.from(rsaPublic.n, 'base64url')],
    ['the SPKI DER', rsa.publicKey.export({ format: 'der', type: 'spki' })],
    ['the SPKI PEM', Buffer.from(rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string)],
    ['the PKCS#1 PEM', Buffer.from(rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string)],
    ['the JWK JSON', Buffer.from(JSON.stringify(rsaPublic))],
  ])('alg confusion: an HS256 token whose secret is %s of the RSA key is denied', async (_what, secret) => {
    for (const kid of ['r1', 'r2', 'r3']) {
      const result = await verifier.verifyToken(hs256(claims(), { alg: 'HS256', kid, typ: 'JWT' }, secret), PATH);
      expect(result).toMatchObject({ ok: false, code: 'ERR_ALG_NOT_ALLOWED' });
    }
  });

  it('denies a wrong signature, a wrong-length one and a changed payload', async () => {
    const token = await joseToken('RS256', 'r1');
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = Buffer.from(s, 'base64url');
    flipped[10] = (flipped[10] as number) ^ 1;
    expect(await verifier.verifyToken(`${h}.${p}.${flipped.toString('base64url')}`, PATH)).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    expect(await verifier.verifyToken(`${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -3).toString('base64url')}`, PATH)).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    expect(await verifier.verifyToken(`${h}.${b64(claims({ path: '/*' }))}.${s}`, PATH)).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
  });

  it('grants through handle and verify(request), and every claim rule still applies', async () => {
    const url = (t: string) => `https://cdn.test${PATH}?token=${t}`;
    const origin = async () => new Response('ok');
    expect((await handle(verifier, new Request(url(await joseToken('PS256', 'r2'))), origin)).status).toBe(200);
    expect((await verifier.verify(new Request(url(await joseToken('RS256', 'r1'))))).ok).toBe(true);
    const expired = await joseToken('RS256', 'r1', claims({ exp: NOW - 100 }));
    expect((await handle(verifier, new Request(url(expired)), origin)).status).toBe(410);
    const elsewhere = await joseToken('RS256', 'r1', claims({ path: '/other/*' }));
    expect((await handle(verifier, new Request(url(elsewhere)), origin)).status).toBe(403);
  });

  it('the algorithms option can allow or leave out RS256 and PS256', async () => {
    const only = createVerifier({ keyring, currentDate, algorithms: ['PS256'] });
    expect(await only.verifyToken(await joseToken('RS256', 'r1'), PATH)).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
    expect(await only.verifyToken(await joseToken('PS256', 'r2'), PATH)).toMatchObject({ ok: true });
  });
});

describe('an identity provider\'s JWK Set as a keyring', () => {
  const idp = {
    keys: [
      { ...rsaPublic, kid: 'r1', alg: 'RS256', use: 'sig' },
      { ...es.jwk, kid: 'p1', use: 'sig' },
      { ...ed.jwk, kid: 'e1' },
      { kty: 'oct', kid: 'h1', k: Buffer.from(SECRET).toString('base64url') },
      { ...rsaPublic, kid: 'enc1', alg: 'RSA-OAEP', use: 'enc' },
      { ...rsaPublic, kid: 'enc2', use: 'enc' },
      { ...rsaPublic, kid: 'r384', alg: 'RS384' },
      { ...rsaPrivate, kid: 'rpriv', alg: 'RS256' },
      { ...small, kty: 'RSA', kid: 'r1024', alg: 'RS256' },
      { kty: 'EC', crv: 'P-384', kid: 'p384', x: 'AAAA', y: 'AAAA' },
      { kty: 'OKP', crv: 'X25519', kid: 'x1', x: ed.jwk.x },
      { kty: 'XYZ', kid: 'weird' },
      { ...rsaPublic, kid: 'has space', alg: 'RS256' },
      { ...rsaPublic, kid: 'ops', key_ops: ['encrypt'] },
    ],
  };

  it('loads the keys it can use and lists each skipped one with its kid and why, never key material', () => {
    const ring = createKeyring(idp);
    expect([...ring.keys.keys()]).toEqual(['r1', 'p1', 'e1', 'h1']);
    expect(ring.keys.get('r1')).toMatchObject({ alg: 'RS256', canSign: false });
    expect(ring.skipped).toEqual([
      'keyring.keys[4] (kid "enc1"): skipped, its "use" is not "sig" (an encryption key)',
      'keyring.keys[5] (kid "enc2"): skipped, its "use" is not "sig" (an encryption key)',
      'keyring.keys[6] (kid "r384"): skipped, its alg is not one this edge verifies for its kty',
      'keyring.keys[7] (kid "rpriv"): skipped, it holds private members (an edge only verifies)',
      'keyring.keys[8] (kid "r1024"): skipped, the public key has a 1024-bit modulus; RSA keys need at least 2048 bits',
      'keyring.keys[9] (kid "p384"): skipped, its curve is not P-256',
      'keyring.keys[10] (kid "x1"): skipped, its curve is not Ed25519',
      'keyring.keys[11] (kid "weird"): skipped, its kty is not one this edge verifies (oct, EC, OKP, RSA)',
      'keyring.keys[12]: skipped, its kid is not 1 to 64 characters of A-Z a-z 0-9 . _ -',
      'keyring.keys[13] (kid "ops"): skipped, its "key_ops" do not include "verify"',
    ]);
    const text = (ring.skipped ?? []).join('\n');
    for (const secret of [rsaPrivate.d, rsaPrivate.p, rsaPublic.n.slice(0, 16)]) expect(text).not.toContain(secret);
  });

  it.each(backends)('verifies with every kind it loaded (%s backend)', async (_name, createVerifier) => {
    const verifier = createVerifier({ keyring: idp, currentDate });
    expect(await verifier.verifyToken(await joseToken('RS256', 'r1'), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(signAsymmetric('ES256', 'p1', es.priv, claims()), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(signAsymmetric('EdDSA', 'e1', ed.priv, claims()), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(hs256(claims(), { alg: 'HS256', kid: 'h1' }), PATH)).toMatchObject({ ok: true });
    expect(await verifier.verifyToken(await joseToken('RS256', 'enc1'), PATH)).toMatchObject({ code: 'ERR_KID_UNKNOWN' });
    expect(await verifier.verifyToken(await joseToken('RS256', 'rpriv'), PATH)).toMatchObject({ code: 'ERR_KID_UNKNOWN' });
  });

  it('a JWK Set whose every key is skipped is still an error, saying why', () => {
    expect(() => createKeyring({ keys: [{ ...rsaPublic, kid: 'enc1', use: 'enc' }] })).toThrow(
      /^keyring: holds no key; .*every key was skipped \(keyring\.keys\[0\] \(kid "enc1"\): skipped, its "use" is not "sig"/,
    );
  });

  it('a urlseal keyring (with kids, active or secureToken) stays strict, as SPEC §3 says', () => {
    expect(() => createKeyring({ kids: { k1: SECRET }, keys: [{ kty: 'XYZ', kid: 'w' }] })).toThrow(/^keyring\.keys\[0\]\.kty: unknown key type/);
    expect(() => createKeyring({ kids: { k1: SECRET }, keys: [{ ...small, kty: 'RSA', kid: 'r' }] })).toThrow(
      /^keyring\.keys\[0\]\.n\/e \(kid "r"\): the public key has a 1024-bit modulus; RSA keys need at least 2048 bits$/,
    );
    expect(() => createKeyring({ kids: { k1: SECRET }, keys: [{ ...rsaPrivate, kid: 'r' }] })).toThrow(/^keyring\.keys\[0\] \(kid "r"\): an RSA key only verifies here/);
    expect(() => createKeyring({ kids: { k1: SECRET }, keys: [{ ...rsaPublic, kid: 'r', alg: 'RS512' }] })).toThrow(/^keyring\.keys\[0\]\.alg: an "RSA" key takes RS256 or PS256/);
  });

  it('refuses odd RSA keys: even exponent, exponent 1, padded n, even modulus, over 8192 bits', () => {
    const bytes = Buffer.from(rsaPublic.n, 'base64url');
    const evenN = Buffer.from(bytes);
    evenN[evenN.length - 1] = (evenN[evenN.length - 1] as number) & 0xfe;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ e: 'Ag' }, /exponent that is not odd and at least 3/],
      [{ e: 'AQ' }, /exponent that is not odd and at least 3/],
      [{ e: 'AAEAAQ' }, /not minimally encoded/],
      [{ n: Buffer.concat([Buffer.from([0]), bytes]).toString('base64url') }, /leading zero byte/],
      [{ n: evenN.toString('base64url') }, /even modulus/],
      [{ n: Buffer.alloc(1025, 0xff).toString('base64url') }, /over 8192 bits/],
      [{ n: rsaPublic.n + '=' }, /not unpadded base64url/],
    ];
    for (const [change, reason] of cases) {
      expect(() => createKeyring({ kids: { k1: SECRET }, keys: [{ ...rsaPublic, kid: 'r', ...change }] })).toThrow(reason);
    }
    // Sanity: the key as generated loads, and Node reads the same key back.
    expect(createPublicKey({ key: rsaPublic, format: 'jwk' }).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('an RSA key never signs: the keyring has no active key from it', () => {
    expect(createKeyring({ keys: [{ ...rsaPublic, kid: 'r1' }] }).active).toBeUndefined();
  });
});
