import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeyringJson } from '@urlseal/sdk';

/** Where the demo keyring lives: git-ignored (`*.local.json`), mode 0600. */
export const DEFAULT_KEYRING_FILE = fileURLToPath(new URL('../keyring.local.json', import.meta.url));

/**
 * A fresh demo keyring:
 * - an Ed25519 key (EdDSA) signs JWTs. The origin holds the private key; the
 *   edge gets only the public half, so a compromised edge cannot mint links.
 * - one secureToken secret for the legacy lesson. That scheme is an md5 MAC, so
 *   the edge must hold the same secret as the origin: one more reason to migrate.
 */
export function generateDemoKeyring(): KeyringJson {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = `demo-${new Date().toISOString().slice(0, 10)}`;
  return {
    active: kid,
    keys: [{ kty: 'OKP', crv: 'Ed25519', kid, alg: 'EdDSA', x: jwk.x, d: jwk.d }],
    secureToken: [randomBytes(32).toString('base64url')],
  };
}

/**
 * The origin's signing keyring: env `URLSEAL_KEYRING` (JSON text) if set, else
 * the demo file, created on first start.
 */
export function loadOrCreateKeyring(
  file: string = DEFAULT_KEYRING_FILE,
  env: NodeJS.ProcessEnv = process.env,
): { json: KeyringJson; source: string } {
  const fromEnv = env.URLSEAL_KEYRING;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { json: JSON.parse(fromEnv) as KeyringJson, source: 'env URLSEAL_KEYRING' };
  }
  if (existsSync(file)) {
    return { json: JSON.parse(readFileSync(file, 'utf8')) as KeyringJson, source: file };
  }
  const json = generateDemoKeyring();
  // 'wx': never overwrite a keyring another process just wrote.
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { json, source: `${file} (new)` };
}

/**
 * What the edge needs to verify, and no more: asymmetric keys lose their
 * private part `d`. HMAC secrets (`kids`, `oct` keys) and `secureToken` verify
 * with the very bytes that sign, so they stay: that is how symmetric MACs work,
 * and why the demo uses Ed25519 for JWT.
 */
export function verifyOnly(json: KeyringJson): KeyringJson {
  const out: KeyringJson = {};
  if (json.kids) out.kids = { ...json.kids };
  if (json.keys) {
    out.keys = json.keys.map((key) => {
      const { d: _private, ...rest } = key;
      return rest;
    });
  }
  if (json.secureToken) out.secureToken = [...json.secureToken];
  // No `active`: the edge never signs. (An `active` naming a public-only key would be rejected.)
  return out;
}
