// crypto.subtle backend: the default for Workers, Deno, browsers and bundlers.
// Each key is imported once when the verifier is created; the promise is kept
// so every request reuses the same CryptoKey.
import { UrlsealError } from '../errors.js';
import type { JwtAlgorithm, KeyEntry } from '../keyring.js';
import { decodeBase64url } from '../lib/base64url.js';
import { constantTimeEqualString } from '../lib/compare.js';
import { decodeUtf8, encodeUtf8 } from '../lib/utf8.js';
import { computeSecureToken } from '../secure-token.js';
import type { CryptoBackend, SecureTokenCheck, SignatureCheck } from './backend.js';

type ImportParams = Parameters<SubtleCrypto['importKey']>[2];
type VerifyParams = Parameters<SubtleCrypto['verify']>[0];

const HMAC_HASH: Partial<Record<JwtAlgorithm, string>> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

interface ImportPlan {
  readonly format: 'raw' | 'jwk';
  readonly data: Uint8Array<ArrayBuffer> | JsonWebKey;
  readonly params: ImportParams;
  readonly verify: VerifyParams;
}

function importPlan(entry: KeyEntry): ImportPlan {
  const hash = HMAC_HASH[entry.alg];
  if (hash !== undefined) {
    return { format: 'raw', data: new Uint8Array(entry.secret as Uint8Array), params: { name: 'HMAC', hash }, verify: 'HMAC' };
  }
  const rsa = entry.rsa;
  if (rsa !== undefined && (entry.alg === 'RS256' || entry.alg === 'PS256')) {
    const data: JsonWebKey = { kty: 'RSA', n: rsa.n, e: rsa.e };
    // PS256 (RFC 7518 §3.5): MGF1 with SHA-256 and a salt as long as the hash.
    return entry.alg === 'RS256'
      ? { format: 'jwk', data, params: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: 'RSASSA-PKCS1-v1_5' }
      : { format: 'jwk', data, params: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } as VerifyParams };
  }
  const jwk = entry.jwk;
  if (jwk === undefined) throw new TypeError('keyring entry has no key material');
  // Only the public part is imported: an edge never signs.
  const publicJwk: JsonWebKey =
    jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: 'OKP', crv: jwk.crv, x: jwk.x };
  return entry.alg === 'ES256'
    ? { format: 'jwk', data: publicJwk, params: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } }
    : { format: 'jwk', data: publicJwk, params: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
}

function startImport(plan: ImportPlan): Promise<CryptoKey> {
  return plan.format === 'raw'
    ? crypto.subtle.importKey('raw', plan.data as Uint8Array<ArrayBuffer>, plan.params, false, ['verify'])
    : crypto.subtle.importKey('jwk', plan.data as JsonWebKey, plan.params, false, ['verify']);
}

function importKey(entry: KeyEntry): SignatureCheck {
  let key: Promise<CryptoKey>;
  let plan: ImportPlan | undefined;
  try {
    plan = importPlan(entry);
    key = startImport(plan);
  } catch (error) {
    key = Promise.reject(error);
  }
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
    const bytes = decodeBase64url(signature);
    if (bytes === undefined || plan === undefined) return false;
    return crypto.subtle.verify(
      plan.verify,
      cryptoKey,
      bytes as Uint8Array<ArrayBuffer>,
      encodeUtf8(signingInput) as Uint8Array<ArrayBuffer>,
    );
  };
}

/**
 * The Web Crypto backend: `crypto.subtle` for JWS, pure-JS md5 for secure-token.
 */
export const webCrypto: CryptoBackend = Object.freeze({
  name: 'web',
  importKey,
  importSecureTokenSecret(secret: Uint8Array): SecureTokenCheck {
    return (path, expires, st) => constantTimeEqualString(computeSecureToken(secret, path, expires), st);
  },
  decodeText(segment: string): string | undefined {
    const bytes = decodeBase64url(segment);
    return bytes === undefined ? undefined : decodeUtf8(bytes);
  },
});
