// seal: true on every signing call (issue 17), on the Node and the web signer: the token is a
// compact JWE jose opens with the derived key, carries exactly the claims a JWS would, a fresh
// IV each time, and the signer refuses what cannot seal.
import { hkdfSync } from 'node:crypto';
import { compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { createSigner } from '@urlseal/sdk';
import { createSigner as createWebSigner } from '@urlseal/sdk/web';

const SECRET = 'sdk-seal-test-secret-0123456789abcdefghij';
const KEYRING = { active: 'k1', kids: { k1: SECRET } };
const KEY = new Uint8Array(hkdfSync('sha256', SECRET, new Uint8Array(0), 'urlseal seal A256GCM', 32));
const NOW = new Date(1_900_000_000_000);
const options = { keyring: KEYRING, currentDate: NOW };

async function open(token: string): Promise<{ header: unknown; claims: unknown }> {
  const { protectedHeader, plaintext } = await compactDecrypt(token, KEY);
  return { header: protectedHeader, claims: JSON.parse(new TextDecoder().decode(plaintext)) };
}

const signers = [
  ['node', () => createSigner(options), () => createSigner({ ...options, seal: true })],
  ['web', () => createWebSigner(options), () => createWebSigner({ ...options, seal: true })],
] as const;

describe.each(signers)('seal: true (%s signer)', (_name, make, makeSealing) => {
  it('signUrl/sign/signToken/signCookie make sealed tokens with the claims a JWS carries', async () => {
    const signer = make();
    const call = { sub: 'student-42', expires: 1_900_000_300 };
    const jws = await signer.sign('https://cdn.example/videos/a.mp4', call);
    const sealed = await signer.sign('https://cdn.example/videos/a.mp4', { ...call, seal: true });
    expect(sealed.url).toBe(`https://cdn.example/videos/a.mp4?token=${sealed.token}`);
    expect(sealed.token.split('.')).toHaveLength(5);
    expect(sealed.token.length).toBe(jws.token.length); // the same URL length
    expect(await open(sealed.token)).toEqual({ header: { alg: 'dir', enc: 'A256GCM', kid: 'k1' }, claims: jws.claims });
    const url = await signer.signUrl('/videos/c1/master.m3u8', { grant: '/videos/c1/*', seal: true });
    expect(url).toMatch(/^\/_token\/[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+\/videos\/c1\/master\.m3u8$/);
    const token = await signer.signToken('/videos/c1/*', { seal: true });
    expect((await open(token)).claims).toMatchObject({ path: '/videos/c1/*' });
    const cookie = await signer.signCookie('/videos/c1/*', { seal: true });
    expect(cookie.serialize()).toMatch(/^urlseal=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+; Path=\/videos\/c1\/;/);
    const verifier = createVerifier({ keyring: KEYRING, currentDate: NOW });
    expect(await verifier.verifyToken(cookie.value, '/videos/c1/seg.ts')).toMatchObject({ ok: true });
  });

  it('a fresh 96-bit IV per token', async () => {
    const signer = make();
    const tokens = await Promise.all([1, 2, 3].map(() => signer.signToken('/a.mp4', { seal: true })));
    const ivs = tokens.map((t) => t.split('.')[2] as string);
    expect(new Set(ivs).size).toBe(3);
    for (const iv of ivs) expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
  });

  it('createSigner({ seal: true }) seals by default; seal: false opts one call out', async () => {
    const signer = makeSealing();
    expect((await signer.signToken('/a.mp4')).split('.')).toHaveLength(5);
    expect((await signer.signToken('/a.mp4', { seal: false })).split('.')).toHaveLength(3);
  });
});

describe('what cannot seal', () => {
  const eddsa = {
    keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: 'Njs01OZkgkQRVm1BFxxQsyxTXkhQF_S1zBFK0NdKECU', d: 'KqloOABMQ6E_NRjvkHnlO94JDJG8UOUnh478n0lrGUQ' }],
  };
  const refusal = /^signToken: option "seal" needs an HS256 active key/;

  it('an active key that is not HS256, on both signers and at createSigner', async () => {
    expect(() => createSigner({ keyring: eddsa }).signToken('/a.mp4', { seal: true })).toThrow(refusal);
    await expect(createWebSigner({ keyring: eddsa }).signToken('/a.mp4', { seal: true })).rejects.toThrow(refusal);
    expect(() => createSigner({ keyring: eddsa, seal: true })).toThrow(/^createSigner: option "seal" needs an HS256 active key/);
    const hs512 = { keys: [{ kty: 'oct', kid: 'h5', alg: 'HS512', k: Buffer.from('x'.repeat(64)).toString('base64url') }] };
    expect(() => createSigner({ keyring: hs512 }).signToken('/a.mp4', { seal: true })).toThrow(refusal);
  });

  it('a non-boolean seal, and seal with scheme secure-token', () => {
    expect(() => createSigner(options).signToken('/a.mp4', { seal: 'yes' as unknown as boolean })).toThrow('signToken: option "seal" must be true or false');
    const both = createSigner({ keyring: { ...KEYRING, secureToken: ['legacy-secret-0123456789abcdefghijklmnop'] } });
    expect(() => both.signUrl('/a.mp4', { scheme: 'secure-token', seal: true })).toThrow('signUrl: option "seal" is for scheme "jwt"');
  });
});
