import { computeSecureToken, isCanonicalDecodedPath } from '@urlseal/edge/contract';
import { MAX_UNIX_SECONDS, MILLISECONDS_PROBLEM } from './claims.js';
import { argumentError, optionError } from './misuse.js';

/** `e` of the legacy format: exactly 10 decimal digits (SPEC §5). */
const EXPIRES_PATTERN = /^[0-9]{10}$/;

/**
 * The `e` parameter for an expiry in Unix seconds: exactly 10 digits, as the verifier
 * demands. Throws a `TypeError` naming option `expires` of `fn` otherwise.
 */
export function secureTokenExpires(expires: number | string, fn: string): string {
  const text = typeof expires === 'number' && Number.isSafeInteger(expires) ? String(expires) : expires;
  if (typeof text === 'string' && /^[0-9]{12,16}$/.test(text) && Number(text) > MAX_UNIX_SECONDS) {
    throw optionError(fn, 'expires', MILLISECONDS_PROBLEM);
  }
  if (typeof text !== 'string' || !EXPIRES_PATTERN.test(text)) {
    throw optionError(fn, 'expires', 'must be a Unix time of exactly 10 digits for scheme "secure-token"');
  }
  return text;
}

/**
 * Computes a legacy Azion / nginx `secure_link` token (SPEC §5):
 * `base64url(md5(secret + path + e))` without padding. The format itself is
 * `computeSecureToken` of `@urlseal/edge/contract` (one implementation for both sides); this adds
 * the input checks a signer owes: a canonical decoded `path` (the MAC covers what the
 * edge checks) and a 10-digit `e`. Accepts any secret, so known answers with short
 * secrets such as `mysecret` reproduce exactly; a keyring still demands 32 bytes.
 *
 * @example
 * ```ts
 * import { secureToken } from '@urlseal/sdk';
 * secureToken('mysecret', '/my/uri', 1470055000); // 'm6WCATfRgS_5lcyChCPgrw'
 * ```
 */
export function secureToken(secret: string | Uint8Array, path: string, expires: number | string): string {
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw argumentError('secureToken', 'secret', 'must be a string or Uint8Array');
  }
  if (!isCanonicalDecodedPath(path)) throw argumentError('secureToken', 'path', 'must be a canonical decoded path (SPEC §2)');
  return computeSecureToken(secret, path, secureTokenExpires(expires, 'secureToken'));
}
