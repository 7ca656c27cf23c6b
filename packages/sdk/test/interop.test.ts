import { createPublicKey, createSecretKey } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { HS_SECRET, OCT_K, privateJwk } from './helpers.js';

// Real clock: jose and jsonwebtoken check exp/iat against now.
const CLAIMS = { path: '/videos/a.mp4', sub: 'student-42' };

describe('interop: tokens verify with jose and jsonwebtoken', () => {
  it('HS256 from kids', async () => {
    const token = await createSigner({ keyring: { kids: { k1: HS_SECRET } } }).signToken('/videos/a.mp4', { sub: 'student-42' });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(HS_SECRET), { algorithms: ['HS256'] });
    expect(payload).toMatchObject(CLAIMS);
    expect(protectedHeader).toEqual({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    expect(jsonwebtoken.verify(token, HS_SECRET, { algorithms: ['HS256'] })).toMatchObject(CLAIMS);
  });

  it('HS256 oct from keys', async () => {
    const token = await createSigner({ keyring: { keys: [{ kty: 'oct', kid: 'h1', k: OCT_K }] } }).signToken('/videos/a.mp4', { sub: 'student-42' });
    const key = createSecretKey(Buffer.from(OCT_K, 'base64url'));
    expect((await jwtVerify(token, key)).payload).toMatchObject(CLAIMS);
    expect(jsonwebtoken.verify(token, key, { algorithms: ['HS256'] })).toMatchObject(CLAIMS);
  });

  it('ES256', async () => {
    const jwk = privateJwk('ES256', 'p1');
    const signer = createSigner({ keyring: { keys: [jwk] } });
    const token = await signer.signToken('/videos/a.mp4', { sub: 'student-42' });
    const { d: _d, ...publicJwk } = jwk;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(publicJwk, 'ES256'));
    expect(payload).toMatchObject(CLAIMS);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'p1', typ: 'JWT' });
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' });
    expect(jsonwebtoken.verify(token, pem, { algorithms: ['ES256'] })).toMatchObject(CLAIMS);
  });

  it('EdDSA (jose; jsonwebtoken does not implement EdDSA)', async () => {
    const jwk = privateJwk('EdDSA', 'e1');
    const token = await createSigner({ keyring: { keys: [jwk] } }).signToken('/videos/a.mp4', { sub: 'student-42' });
    const { d: _d, ...publicJwk } = jwk;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(publicJwk, 'EdDSA'));
    expect(payload).toMatchObject(CLAIMS);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: 'e1', typ: 'JWT' });
  });
});
