// test/vectors/sealed.json, the sealed-token known answers (docs/spec.md §9 "Sealed tokens
// (issue 17)"): the KDF gives the recorded key on Node and Web Crypto, both sealers
// reproduce every token byte for byte given its IV, jose opens every token with the derived
// key, both edge backends answer every verifying case as recorded, and the file is what its
// generator writes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKeyring, type KeyEntry, type KeyringJson } from '@urlseal/edge/contract';
import { createVerifierWith } from '../../packages/edge/src/web/verifier.js';
import { nodeCrypto } from '../../packages/edge/src/ops/node-crypto.js';
import { webCrypto } from '../../packages/edge/src/core/crypto/web.js';
import { cliRequest } from '../../packages/sdk/src/cli/request.js';
import { createSyncSeal, deriveSealKey } from '../../packages/sdk/src/seal-node.js';
import { createAsyncSeal } from '../../packages/sdk/src/seal-web.js';

interface SealCase {
  name: string;
  keyring: string;
  now: number;
  kid: string;
  iv: string;
  header: string;
  claims: Record<string, unknown>;
  token: string;
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
  kdf: { secret: string; info: string; key_hex: string; key_base64url: string };
  seal: SealCase[];
  verify: VerifyCase[];
}

const FILE = fileURLToPath(new URL('./sealed.json', import.meta.url));
const vectors = JSON.parse(readFileSync(FILE, 'utf8')) as Vectors;
const keyringOf = (name: string) => vectors.keyrings[name] as KeyringJson;
const entryOf = (c: SealCase) => createKeyring(keyringOf(c.keyring)).keys.get(c.kid) as KeyEntry;
const KEY = Buffer.from(vectors.kdf.key_hex, 'hex');

describe('sealed vectors: the content key', () => {
  it('HKDF-SHA256(secret, empty salt, "urlseal seal A256GCM", 32) is the recorded key, on node:crypto and Web Crypto', async () => {
    const secret = new TextEncoder().encode(vectors.kdf.secret);
    expect(Buffer.from(deriveSealKey(secret)).toString('hex')).toBe(vectors.kdf.key_hex);
    const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(vectors.kdf.info) }, base, 256);
    expect(Buffer.from(bits).toString('hex')).toBe(vectors.kdf.key_hex);
    expect(Buffer.from(vectors.kdf.key_base64url, 'base64url').equals(KEY)).toBe(true);
  });
});

describe('sealed vectors: sealing', () => {
  it.each(vectors.seal.map((c) => [c.name, c] as const))('%s: the Node and web sealers reproduce the token, and jose opens it', async (_name, c) => {
    const iv = Buffer.from(c.iv, 'hex');
    expect(createSyncSeal(entryOf(c))(JSON.stringify(c.claims), iv)).toBe(c.token);
    expect(await createAsyncSeal(entryOf(c))(JSON.stringify(c.claims), iv)).toBe(c.token);
    const opened = await compactDecrypt(c.token, KEY);
    expect(JSON.stringify(opened.protectedHeader)).toBe(c.header);
    expect(JSON.parse(new TextDecoder().decode(opened.plaintext))).toEqual(c.claims);
  });
});

describe('sealed vectors: verifying', () => {
  const backends = [nodeCrypto, webCrypto];
  it.each(vectors.verify.flatMap((c) => backends.map((b) => [`${c.name} (${b.name})`, c, b] as const)))('%s', async (_name, c, backend) => {
    const request = cliRequest(c.url, 'vectors', Object.entries(c.headers ?? {}).map(([n, v]) => `${n}: ${v}`));
    const verifier = createVerifierWith(backend, { keyring: keyringOf(c.keyring), currentDate: new Date(c.now * 1000) });
    const decision = await verifier.decide({ method: 'GET', target: request.target, header: request.header, clientIp: c.client_ip });
    expect(decision.ok ? { status: 200, code: null } : { status: decision.status, code: decision.code }).toEqual({ status: c.status, code: c.code });
  });
});

describe('sealed vectors: the file', () => {
  it('is exactly what make-sealed-vectors.mjs writes', () => {
    const script = fileURLToPath(new URL('./make-sealed-vectors.mjs', import.meta.url));
    expect(JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }))).toEqual(vectors);
  });
});
