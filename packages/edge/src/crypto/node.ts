// node:crypto backend, chosen by the `node` export condition. Synchronous:
// each crypto.subtle call on Node costs tens of µs of promise and copy
// overhead, more than the HMAC itself.
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto';
import { UrlsealError } from '../errors.js';
import type { JwtAlgorithm, KeyEntry } from '../keyring.js';
import type { CryptoBackend, SignatureCheck } from './backend.js';

const HMAC_HASH: Partial<Record<JwtAlgorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function hmacCheck(hash: string, secret: Uint8Array): SignatureCheck {
  const key = Buffer.from(secret);
  return (signingInput, signature) => {
    const digest = createHmac(hash, key).update(signingInput).digest();
    return digest.length === signature.length && timingSafeEqual(digest, signature);
  };
}

function publicKey(entry: KeyEntry): KeyObject | undefined {
  const jwk = entry.jwk;
  if (jwk === undefined) return undefined;
  try {
    // Only the public part: an edge never signs. Made into a KeyObject once.
    return createPublicKey({
      key: jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

function asymmetricCheck(entry: KeyEntry): SignatureCheck {
  const key = publicKey(entry);
  if (key === undefined) {
    // Same behaviour as the Web backend: a key this runtime cannot load denies
    // its tokens with 503 rather than failing the whole verifier.
    return () => {
      throw new UrlsealError('ERR_KEYRING_UNAVAILABLE', 'a keyring key could not be imported by this runtime');
    };
  }
  if (entry.alg === 'ES256') {
    return (signingInput, signature) =>
      verifySignature('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  return (signingInput, signature) => verifySignature(null, Buffer.from(signingInput), key, signature);
}

/**
 * The node:crypto backend: synchronous HMAC with `timingSafeEqual`, `KeyObject`s
 * made once, and md5 from `createHash`.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge'; // on Node this build uses nodeCrypto
 * ```
 */
export const nodeCrypto: CryptoBackend = Object.freeze({
  name: 'node',
  importKey(entry: KeyEntry): SignatureCheck {
    const hash = HMAC_HASH[entry.alg];
    return hash !== undefined ? hmacCheck(hash, entry.secret as Uint8Array) : asymmetricCheck(entry);
  },
  secureTokenMatches(secret: Uint8Array, path: string, expires: string, mac: Uint8Array): boolean {
    const digest = createHash('md5').update(secret).update(path, 'utf8').update(expires, 'latin1').digest();
    return mac.length === digest.length && timingSafeEqual(digest, mac);
  },
});
