import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createKeyring, type KeyringJson } from '@urlseal/edge/contract';

/**
 * Algorithms keygen can make a key for.
 *
 * @example
 * ```ts
 * import { KEYGEN_ALGS, generateKeyring } from '@urlseal/sdk';
 * const keyrings = KEYGEN_ALGS.map((alg) => generateKeyring({ kid: `k-${alg}`, alg }));
 * ```
 */
export const KEYGEN_ALGS = ['HS256', 'ES256', 'EdDSA'] as const;

/** A new secret: 32 random bytes as base64url (43 characters, so 43 bytes of key). */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Default kid: the current UTC year-month, which sorts and tells the key's age.
 *
 * @example
 * ```ts
 * import { defaultKid } from '@urlseal/sdk';
 * defaultKid(new Date('2026-11-05T00:00:00Z')); // '2026-11'
 * ```
 */
export function defaultKid(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

function keyPairJwk(alg: 'ES256' | 'EdDSA', kid: string): Record<string, unknown> {
  const { privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('ed25519');
  const { kty, crv, x, y, d } = privateKey.export({ format: 'jwk' });
  return { kty, crv, kid, alg, x, ...(y === undefined ? {} : { y }), d };
}

/**
 * Builds a new keyring: one signing key named `kid`, plus a legacy
 * secure-token secret when asked.
 *
 * @example
 * ```ts
 * import { generateKeyring } from '@urlseal/sdk';
 * const json = generateKeyring({ kid: '2026-11', alg: 'HS256' });
 * // { active: '2026-11', kids: { '2026-11': '…43 characters…' } }
 * ```
 */
export function generateKeyring(options: { kid: string; alg: (typeof KEYGEN_ALGS)[number]; secureToken?: boolean }): KeyringJson {
  const { kid, alg } = options;
  // Checked first: keyPairJwk would make an Ed25519 key for any other value, and the keyring check then names the wrong thing.
  if (!(KEYGEN_ALGS as readonly unknown[]).includes(alg)) throw new TypeError(`generateKeyring: alg must be one of ${KEYGEN_ALGS.join(', ')} (RSA keys are verify-only: an edge reads them from your identity provider's JWK Set)`);
  const json: KeyringJson = alg === 'HS256'
    ? { active: kid, kids: { [kid]: newSecret() } }
    : { active: kid, keys: [keyPairJwk(alg, kid)] };
  if (options.secureToken === true) json.secureToken = [newSecret()];
  createKeyring(json); // what we print must load
  return json;
}

