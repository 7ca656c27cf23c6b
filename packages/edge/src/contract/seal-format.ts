// The sealed-token format (issue 17; docs/spec.md §9 "Sealed tokens"): plain
// constants the signer and every verifier share. No imports, on the
// JavaScript floor (scripts/floor.js).

/**
 * The HKDF `info` of the content key: the content key of an HS256 kid is
 * HKDF-SHA256(ikm = the secret's bytes, salt = empty, info = these ASCII bytes,
 * L = 32), never the secret itself.
 *
 * @example
 * ```ts
 * import { hkdfSync } from 'node:crypto';
 * import { SEAL_KDF_INFO } from '@urlseal/edge/contract';
 * const key = Buffer.from(hkdfSync('sha256', 'a-demo-secret-of-at-least-32-bytes!!', new Uint8Array(0), SEAL_KDF_INFO, 32));
 * ```
 */
export const SEAL_KDF_INFO = 'urlseal seal A256GCM';

/**
 * Length of the content key in bytes (AES-256).
 *
 * @example
 * ```ts
 * import { SEAL_KEY_BYTES } from '@urlseal/edge/contract';
 * SEAL_KEY_BYTES; // 32
 * ```
 */
export const SEAL_KEY_BYTES = 32;

/**
 * Length of the IV in bytes (96 bits), random for every token.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { SEAL_IV_BYTES } from '@urlseal/edge/contract';
 * const iv = randomBytes(SEAL_IV_BYTES);
 * ```
 */
export const SEAL_IV_BYTES = 12;

/**
 * Length of the authentication tag in bytes (128 bits).
 *
 * @example
 * ```ts
 * import { SEAL_TAG_BYTES } from '@urlseal/edge/contract';
 * SEAL_TAG_BYTES; // 16
 * ```
 */
export const SEAL_TAG_BYTES = 16;

/**
 * The protected header of a sealed token as JSON text, members in this order:
 * `{"alg":"dir","enc":"A256GCM","kid":"<kid>"}` (no `typ`, `zip`, `crit`, `jku`,
 * `jwk`, `x5u`). Both signers encode these bytes.
 *
 * @example
 * ```ts
 * import { sealedHeader } from '@urlseal/edge/contract';
 * sealedHeader('2026-11'); // '{"alg":"dir","enc":"A256GCM","kid":"2026-11"}'
 * ```
 */
export function sealedHeader(kid: string): string {
  return JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid });
}

/**
 * Whether a token has the five segments of a sealed token (compact JWE) rather
 * than the three of a JWS: four dots. Says nothing of the rest of its shape.
 *
 * @example
 * ```ts
 * import { isSealedToken } from '@urlseal/edge/contract';
 * isSealedToken('a..b.c.d'); // true
 * isSealedToken('a.b.c'); // false
 * ```
 */
export function isSealedToken(token: string): boolean {
  let dots = 0;
  for (let i = token.indexOf('.'); i >= 0; i = token.indexOf('.', i + 1)) if (++dots > 4) return false;
  return dots === 4;
}
