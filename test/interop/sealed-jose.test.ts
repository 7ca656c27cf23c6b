// Sealed tokens against an independent JOSE implementation and independent AES-GCM vectors
// (issue 17): jose's compactDecrypt opens what both signers seal, both edge backends grant
// what jose's CompactEncrypt makes (and deny what it makes wrongly), and Project Wycheproof's
// AES-256-GCM vectors (96-bit IV, 128-bit tag) run through the edge's own AES-GCM path on
// node:crypto and on Web Crypto.
import { readFileSync } from 'node:fs';
import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { createSigner as createWebSigner } from '@urlseal/sdk/web';
import { nodeCrypto } from '../../packages/edge/src/ops/node-crypto.js';
import { webCrypto } from '../../packages/edge/src/core/crypto/web.js';
import { createVerifierWith } from '../../packages/edge/src/web/verifier.js';

const SECRET = 'interop-sealed-secret-0123456789abcdefghij';
const KEYRING = { active: 'k1', kids: { k1: SECRET } };
const KEY = new Uint8Array(hkdfSync('sha256', SECRET, new Uint8Array(0), 'urlseal seal A256GCM', 32));
const NOW = new Date(1_900_000_000_000);
const CLAIMS = { path: '/videos/course-1/*', exp: 1_900_000_300, iat: 1_900_000_000, sub: 'student-42' };
const backends = [nodeCrypto, webCrypto];

const joseSeal = (header: Record<string, string>, claims: unknown = CLAIMS, key: Uint8Array = KEY) =>
  new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as { alg: string; enc: string }).encrypt(key);

describe('jose opens what the signers seal', () => {
  it.each([
    ['node', () => createSigner({ keyring: KEYRING, currentDate: NOW }).signToken('/videos/course-1/*', { seal: true, sub: 'student-42' })],
    ['web', () => createWebSigner({ keyring: KEYRING, currentDate: NOW }).signToken('/videos/course-1/*', { seal: true, sub: 'student-42' })],
  ] as const)('%s signer', async (_name, sign) => {
    const { protectedHeader, plaintext } = await compactDecrypt(await sign(), KEY, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1' });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({ path: '/videos/course-1/*', exp: 1_900_000_300, iat: 1_900_000_000, sub: 'student-42' });
  });
});

describe.each(backends)('the edge ($name) and what jose seals', (backend) => {
  const verifier = createVerifierWith(backend, { keyring: KEYRING, currentDate: NOW });
  const answer = async (token: string, path = '/videos/course-1/a.mp4') => {
    const r = await verifier.verifyToken(token, path);
    return r.ok ? r.claims : r.code;
  };

  it('grants a jose CompactEncrypt token, with or without typ', async () => {
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k1' }))).toEqual(CLAIMS);
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'JWT' }))).toEqual(CLAIMS);
  });

  it('denies jose tokens of the wrong key, kid, enc, or for another path', async () => {
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k1' }, CLAIMS, new TextEncoder().encode(SECRET.slice(0, 32))))).toBe('ERR_SIGNATURE_INVALID');
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k2' }))).toBe('ERR_KID_UNKNOWN');
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A128GCM', kid: 'k1' }, CLAIMS, KEY.subarray(0, 16)))).toBe('ERR_ALG_NOT_ALLOWED');
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256CBC-HS512', kid: 'k1' }, CLAIMS, new Uint8Array(64)))).toBe('ERR_ALG_NOT_ALLOWED');
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k1' }), '/videos/course-2/a.mp4')).toBe('ERR_PATH_MISMATCH');
    expect(await answer(await joseSeal({ alg: 'dir', enc: 'A256GCM', kid: 'k1' }, { ...CLAIMS, exp: 1_899_999_000 }))).toBe('ERR_TOKEN_EXPIRED');
  });
});

interface WycheproofTest { tcId: number; comment: string; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: 'valid' | 'invalid' }
const wycheproof = JSON.parse(readFileSync(new URL('../vectors/wycheproof/aes_gcm_256_96_128_test.json', import.meta.url), 'utf8')) as {
  testGroups: { keySize: number; ivSize: number; tagSize: number; tests: WycheproofTest[] }[];
};
const cases = wycheproof.testGroups.flatMap((g) => g.tests);
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe.each(backends)('Wycheproof AES-256-GCM through the edge\'s AES-GCM path ($name)', (backend) => {
  it('holds the 256/96/128 groups only, valid and invalid cases', () => {
    for (const g of wycheproof.testGroups) expect([g.keySize, g.ivSize, g.tagSize]).toEqual([256, 96, 128]);
    expect(cases.length).toBe(66);
    expect(cases.some((c) => c.result === 'invalid')).toBe(true);
  });

  it.each(cases.map((c) => [c.tcId, c.comment, c] as const))('tcId %i %s', async (_id, _comment, c) => {
    const open = backend.importContentKey(Buffer.from(c.key, 'hex'));
    const plain = await open(Buffer.from(c.aad, 'hex').toString('latin1'), b64(c.iv), b64(c.ct), b64(c.tag));
    if (c.result === 'valid') expect(Buffer.from(plain as Uint8Array).toString('hex')).toBe(c.msg);
    else expect(plain).toBeUndefined();
  });
});
