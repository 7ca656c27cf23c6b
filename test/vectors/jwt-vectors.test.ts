// test/vectors/jwt.json, the JWT known answers for other implementations: the SDK (Node and
// web) reproduces every signing case byte for byte, the edge answers every verifying case
// as recorded, jose agrees on every signature, and the file is what its generator writes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compactVerify, importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKeyring, extractToken, type AsymmetricJwk, type KeyringJson } from '@urlseal/edge/contract';
import { createSigner } from '@urlseal/sdk';
import { decide } from '../../packages/sdk/src/cli/decide.js';
import { cliRequest } from '../../packages/sdk/src/cli/request.js';
import { createSigner as createWebSigner } from '../../packages/sdk/src/web.js';

interface SignCase {
  name: string;
  keyring: string;
  now: number;
  input: { url: string; options: Record<string, unknown> };
  claims: Record<string, unknown>;
  token: string;
  url: string;
}
interface VerifyCase {
  name: string;
  keyring: string;
  now: number;
  url: string;
  headers?: Record<string, string>;
  client_ip?: string;
  status: number;
  code: string | null;
}
interface Vectors {
  keyrings: Record<string, KeyringJson>;
  sign: SignCase[];
  verify: VerifyCase[];
}

const FILE = fileURLToPath(new URL('./jwt.json', import.meta.url));
const vectors = JSON.parse(readFileSync(FILE, 'utf8')) as Vectors;
const keyringOf = (name: string) => vectors.keyrings[name] as KeyringJson;

/** The token a verify case carries, found as the edge finds it. */
function tokenOf(c: VerifyCase): string | undefined {
  const request = cliRequest(c.url, 'vectors', Object.entries(c.headers ?? {}).map(([n, v]) => `${n}: ${v}`));
  const { source } = extractToken(request.target, request.header);
  return typeof source === 'object' && source.scheme === 'jwt' ? source.token : undefined;
}

/** The verification key jose needs for the token's kid, from the case's keyring. */
async function joseKey(keyring: string, kid: string): Promise<CryptoKey | Uint8Array | undefined> {
  const entry = createKeyring(keyringOf(keyring)).keys.get(kid);
  if (entry === undefined) return undefined;
  if (entry.secret !== undefined) return entry.secret;
  const { d: _private, ...publicJwk } = entry.jwk as AsymmetricJwk;
  return importJWK(publicJwk, entry.alg);
}

describe('JWT vectors: signing', () => {
  it.each(vectors.sign.map((c) => [c.name, c] as const))('%s: the Node and web signers reproduce token and url', async (_name, c) => {
    const options = { keyring: keyringOf(c.keyring), currentDate: new Date(c.now * 1000) };
    const expected = { scheme: 'jwt', url: c.url, token: c.token, claims: c.claims, expires: c.claims.exp };
    expect(createSigner(options).sign(c.input.url, c.input.options)).toEqual(expected);
    expect(await createWebSigner(options).sign(c.input.url, c.input.options)).toEqual(expected);
  });
});

describe('JWT vectors: verifying', () => {
  it.each(vectors.verify.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const request = cliRequest(c.url, 'vectors', Object.entries(c.headers ?? {}).map(([n, v]) => `${n}: ${v}`));
    const verdict = await decide(createKeyring(keyringOf(c.keyring)), c.now, request, c.client_ip);
    expect({ status: verdict.status, code: verdict.code }).toEqual({ status: c.status, code: c.code });
  });

  it('jose agrees on every signature the edge checked', async () => {
    let checked = 0;
    for (const c of vectors.verify) {
      const token = tokenOf(c);
      const signatureDecided = c.code !== 'ERR_TOKEN_MALFORMED' && c.code !== 'ERR_KID_UNKNOWN' && c.code !== 'ERR_ALG_NOT_ALLOWED';
      if (token === undefined || !signatureDecided) continue;
      const { kid } = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid: string };
      const key = await joseKey(c.keyring, kid);
      const valid = key !== undefined && (await compactVerify(token, key).then(() => true, () => false));
      expect(valid, c.name).toBe(c.code !== 'ERR_SIGNATURE_INVALID');
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe('JWT vectors: the file', () => {
  it('is exactly what make-jwt-vectors.mjs writes (ES256 signatures aside: they are randomised)', () => {
    const script = fileURLToPath(new URL('./make-jwt-vectors.mjs', import.meta.url));
    const fresh = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as Vectors;
    const withoutEs256 = (v: Vectors) => ({ ...v, verify: v.verify.filter((c) => c.keyring !== 'es256') });
    expect(withoutEs256(fresh)).toEqual(withoutEs256(vectors));
    expect(fresh.verify.filter((c) => c.keyring === 'es256').map((c) => c.name)).toEqual(
      vectors.verify.filter((c) => c.keyring === 'es256').map((c) => c.name),
    );
  });
});
