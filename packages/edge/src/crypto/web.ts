// crypto.subtle backend: the default for Workers, Deno, browsers and bundlers.
// Each key is imported once when the verifier is created; the promise is kept
// so every request reuses the same CryptoKey.
import { UrlsealError } from '../errors.js';
import type { JwtAlgorithm, KeyEntry } from '../keyring.js';
import { encodeUtf8 } from '../lib/utf8.js';
import { secureTokenMac } from '../secure-token.js';
import type { CryptoBackend, SignatureCheck } from './backend.js';

type ImportParams = Parameters<SubtleCrypto['importKey']>[2];
type VerifyParams = Parameters<SubtleCrypto['verify']>[0];

const HMAC_HASH: Partial<Record<JwtAlgorithm, string>> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

function importParams(entry: KeyEntry): { format: 'raw' | 'jwk'; data: Uint8Array | JsonWebKey; params: ImportParams; verify: VerifyParams } {
  const hash = HMAC_HASH[entry.alg];
  if (hash !== undefined) {
    return { format: 'raw', data: entry.secret as Uint8Array, params: { name: 'HMAC', hash }, verify: 'HMAC' };
  }
  const jwk = entry.jwk;
  if (jwk === undefined) throw new TypeError('keyring entry has no key material');
  // Only the public part is imported: an edge never signs.
  const publicJwk: JsonWebKey = jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x };
  return entry.alg === 'ES256'
    ? { format: 'jwk', data: publicJwk, params: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } }
    : { format: 'jwk', data: publicJwk, params: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
}

function importKey(entry: KeyEntry): SignatureCheck {
  const { format, data, params, verify } = importParams(entry);
  const key =
    format === 'raw'
      ? crypto.subtle.importKey('raw', new Uint8Array(data as Uint8Array), params, false, ['verify'])
      : crypto.subtle.importKey('jwk', data as JsonWebKey, params, false, ['verify']);
  // A key the runtime cannot import denies its tokens (503) instead of crashing;
  // the no-op catch keeps an unused failing key from an unhandled rejection.
  key.catch(() => undefined);
  return async (signingInput, signature) => {
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = await key;
    } catch {
      throw new UrlsealError('ERR_KEYRING_UNAVAILABLE', 'a keyring key could not be imported by this runtime');
    }
    return crypto.subtle.verify(verify, cryptoKey, signature as Uint8Array<ArrayBuffer>, encodeUtf8(signingInput) as Uint8Array<ArrayBuffer>);
  };
}

/** Compares two byte arrays in time independent of where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * The Web Crypto backend: `crypto.subtle` for JWS, pure-JS md5 for secure-token.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge'; // the web build uses webCrypto
 * ```
 */
export const webCrypto: CryptoBackend = Object.freeze({
  name: 'web',
  importKey,
  secureTokenMatches(secret: Uint8Array, path: string, expires: string, mac: Uint8Array): boolean {
    return constantTimeEqual(secureTokenMac(secret, path, expires), mac);
  },
});
