// Test helpers: sign tokens by hand with node:crypto (independent of the code
// under test), and run each suite against both backends.
import { createHmac, generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';
import type { CryptoBackend } from '../src/core/crypto/backend.js';
import * as web from '../src/web/index.js';
import { SIGNATURE_BYTES, base64urlLength } from '../src/contract/jwt.js';
import type { KeyEntry } from '../src/contract/keyring.js';
import { isCanonicalBase64url } from '../src/lib/base64url.js';
import * as node from '../src/runtimes/node/index.js';

export const NOW = 1_800_000_000;
export const currentDate = new Date(NOW * 1000);
export const SECRET = 'test-secret-of-at-least-32-bytes-long!!';
export const ST_SECRET = '0123456789abcdef0123456789abcdef';

export const backends = [
  ['web', web.createVerifier],
  ['node', node.createVerifier],
] as const;

export const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function hs256(claims: unknown, header: unknown = { alg: 'HS256', kid: 'k1', typ: 'JWT' }, secret: string | Buffer = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export function asymmetricKeys(): { es: { priv: KeyObject; jwk: Record<string, unknown> }; ed: { priv: KeyObject; jwk: Record<string, unknown> } } {
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  return {
    es: { priv: es.privateKey, jwk: { ...es.publicKey.export({ format: 'jwk' }), kid: 'p1' } },
    ed: { priv: ed.privateKey, jwk: { ...ed.publicKey.export({ format: 'jwk' }), kid: 'e1' } },
  };
}

export function signAsymmetric(alg: 'ES256' | 'EdDSA', kid: string, key: KeyObject, claims: unknown): string {
  const input = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`;
  const sig =
    alg === 'ES256'
      ? signBytes('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : signBytes(null, Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

export const keyringJson = { kids: { k1: SECRET, k2: `${SECRET}-2` }, secureToken: [ST_SECRET] };

export const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  exp: NOW + 600,
  iat: NOW,
  path: '/videos/course-1/*',
  ...extra,
});

/**
 * The edge's rules for one compact JWS and one key, short of the claims: three
 * canonical base64url segments, a header object without crit/b64, alg equal to the
 * key's, the signature as long as the key's, then the backend's signature check.
 */
export async function signatureVerdict(backend: CryptoBackend, entry: KeyEntry, token: unknown): Promise<boolean> {
  if (typeof token !== 'string') return false;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64url)) return false;
  const [h, , s] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(backend.decodeText(h) ?? '');
  } catch {
    return false;
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return false;
  const fields = header as Record<string, unknown>;
  if ('crit' in fields || 'b64' in fields || fields.alg !== entry.alg) return false;
  const length = entry.rsa !== undefined ? entry.rsa.n.length : base64urlLength(SIGNATURE_BYTES[entry.alg]);
  if (s.length !== length) return false;
  try {
    return await backend.importKey(entry)(token.slice(0, token.lastIndexOf('.')), s);
  } catch {
    return false;
  }
}
