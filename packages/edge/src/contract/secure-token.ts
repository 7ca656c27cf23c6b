import { encodeBase64url, isCanonicalBase64url } from '../lib/base64url.js';
import { md5 } from '../lib/md5.js';
import { encodeUtf8 } from '../lib/utf8.js';

/** Length of `st`: base64url of a 16-byte md5 digest, unpadded. */
export const SECURE_TOKEN_LENGTH = 22;
/** Length of `e`: Unix seconds, exactly 10 digits (SPEC §5). */
export const SECURE_TOKEN_EXPIRES_LENGTH = 10;
// Exactly 10 ASCII digits: no sign, space, exponent or full-width digit, and no
// final newline (`$` in PCRE, njs, would let one through; `(?![\s\S])` does not).
const EXPIRES = /^[0-9]{10}(?![\s\S])/;

function macInput(secret: Uint8Array, path: string, expires: string): Uint8Array {
  const tail = encodeUtf8(path + expires);
  const input = new Uint8Array(secret.length + tail.length);
  input.set(secret);
  input.set(tail, secret.length);
  return input;
}

/**
 * The legacy secure-token `st` (SPEC §5): base64url without padding of
 * `md5(secret + path + e)`, byte-compatible with Azion's and nginx
 * `secure_link` generators. `path` is the canonical decoded path; it is hashed
 * as UTF-8. Pure and synchronous; it does not validate its inputs.
 *
 * @example
 * ```ts
 * import { computeSecureToken } from '@urlseal/edge/contract';
 * computeSecureToken('mysecret', '/my/uri', 1470055000); // 'm6WCATfRgS_5lcyChCPgrw'
 * ```
 */
export function computeSecureToken(secret: Uint8Array | string, path: string, expires: number | string): string {
  const key = typeof secret === 'string' ? encodeUtf8(secret) : secret;
  return encodeBase64url(md5(macInput(key, path, String(expires))));
}

/**
 * Checks the `st`/`e` pair's shape strictly: `st` exactly 22 canonical
 * base64url characters, `e` exactly 10 ASCII digits. Returns the expiry in
 * Unix seconds, or `undefined` (the caller answers `ERR_TOKEN_MALFORMED`).
 *
 * @example
 * ```ts
 * import { parseSecureToken } from '@urlseal/edge/contract';
 * parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '1470055000'); // 1470055000
 * parseSecureToken('m6WCATfRgS_5lcyChCPgrw', '147005500');  // undefined
 * ```
 */
export function parseSecureToken(st: string, e: string): number | undefined {
  return st.length === SECURE_TOKEN_LENGTH && EXPIRES.test(e) && isCanonicalBase64url(st) ? Number(e) : undefined;
}
