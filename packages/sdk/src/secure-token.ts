import { computeSecureToken, isCanonicalDecodedPath } from '@urlseal/edge/contract';

/** `e` of the legacy format: exactly 10 decimal digits (SPEC §5). */
const EXPIRES_PATTERN = /^[0-9]{10}$/;

/**
 * The `e` parameter for an expiry in Unix seconds: exactly 10 digits, as the
 * verifier demands. Throws `TypeError` otherwise.
 */
export function secureTokenExpires(expires: number | string, option = 'expires'): string {
  const text = typeof expires === 'number' && Number.isSafeInteger(expires) ? String(expires) : expires;
  if (typeof text !== 'string' || !EXPIRES_PATTERN.test(text)) {
    throw new TypeError(`${option} must be a Unix time of exactly 10 digits for the secure-token scheme`);
  }
  return text;
}

/**
 * Computes a legacy Azion / nginx `secure_link` token (SPEC §5):
 * `base64url(md5(secret + path + e))` without padding. The format itself is
 * `computeSecureToken` of `@urlseal/edge` (one implementation for both sides);
 * this adds the input checks a signer owes: canonical path, 10-digit `e`. `path` is the decoded
 * canonical path (the MAC covers what the edge checks). Accepts any secret, so
 * known answers with short secrets such as `mysecret` reproduce exactly; a
 * keyring still demands 32 bytes.
 *
 * @example
 * ```ts
 * import { secureToken } from '@urlseal/sdk';
 * secureToken('mysecret', '/my/uri', 1470055000); // 'm6WCATfRgS_5lcyChCPgrw'
 * ```
 */
export function secureToken(secret: string | Uint8Array, path: string, expires: number | string): string {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new TypeError('secret must be a string or Uint8Array');
  }
  if (!isCanonicalDecodedPath(path)) throw new TypeError('path must be a canonical decoded path (SPEC §2)');
  const e = secureTokenExpires(expires);
  return computeSecureToken(secret, path, e);
}
