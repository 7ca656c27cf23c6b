import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeyringJson } from '@urlseal/sdk';

/** Where the demo keyring lives: git-ignored (`*.local.json`), mode 0600. */
export const DEFAULT_KEYRING_FILE = fileURLToPath(new URL('../keyring.local.json', import.meta.url));

/**
 * A fresh demo keyring:
 * - an Ed25519 key (EdDSA) signs JWTs. The origin holds the private key; the
 *   edge gets only the public half, so a compromised edge cannot mint links.
 * - one HS256 kid for the sealed lesson (docs/spec.md §9 "Sealed tokens": only an
 *   HS256 kid seals, its content key is derived from the secret). The edge holds
 *   that secret too, so it could mint links with it: the price of sealed links.
 * - one secureToken secret for the legacy lesson. That scheme is an md5 MAC, so
 *   the edge must hold the same secret as the origin: one more reason to migrate.
 */
export function generateDemoKeyring(): KeyringJson {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const day = new Date().toISOString().slice(0, 10);
  const kid = `demo-${day}`;
  return {
    active: kid,
    keys: [{ kty: 'OKP', crv: 'Ed25519', kid, alg: 'EdDSA', x: jwk.x, d: jwk.d }],
    kids: { [`${SEAL_KID_PREFIX}${day}`]: randomBytes(32).toString('base64url') },
    secureToken: [randomBytes(32).toString('base64url')],
  };
}

/** The demo's HS256 kids for sealed links are named `demo-seal-<date>`. */
const SEAL_KID_PREFIX = 'demo-seal-';

/**
 * The kid the sealed lesson seals with: the first HS256 kid of the keyring (a
 * `kids` entry, or an `oct` key whose alg is HS256 or absent), or `undefined`
 * when there is none (sealing works only with HS256 kids).
 */
export function sealingKid(json: KeyringJson): string | undefined {
  const fromKids = Object.keys(json.kids ?? {})[0];
  if (fromKids !== undefined) return fromKids;
  const oct = json.keys?.find((key) => key.kty === 'oct' && (key.alg === undefined || key.alg === 'HS256'))?.kid;
  return typeof oct === 'string' ? oct : undefined;
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
    const json = JSON.parse(readFileSync(file, 'utf8')) as KeyringJson;
    if (sealingKid(json) !== undefined) return { json, source: file };
    // A demo keyring from before the sealed lesson: give it its HS256 kid, written as a whole (0600, renamed over).
    const upgraded: KeyringJson = { ...json, kids: { [`${SEAL_KID_PREFIX}${new Date().toISOString().slice(0, 10)}`]: randomBytes(32).toString('base64url') } };
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(upgraded, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
    return { json: upgraded, source: `${file} (HS256 kid added for the sealed lesson)` };
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
 * and why the demo signs every JWT with Ed25519 except the sealed lesson's (the
 * edge that opens a sealed link holds its HS256 secret, so it could mint one).
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
