// crypto.subtle backend: the default for Workers, Deno, browsers and bundlers.
// Each key is imported once when the verifier is created; the promise is kept
// so every request reuses the same CryptoKey.
import { UrlsealError } from '../../contract/errors.js';
import type { JwtAlgorithm, KeyEntry } from '../../contract/keyring.js';
import { decodeBase64url } from '../../lib/base64url.js';
import { constantTimeEqualString } from '../../lib/compare.js';
import { decodeUtf8, encodeUtf8 } from '../../lib/utf8.js';
import { computeSecureToken } from '../../contract/secure-token.js';
import { SEAL_IV_BYTES, SEAL_KDF_INFO, SEAL_KEY_BYTES, SEAL_TAG_BYTES } from '../../contract/seal-format.js';
import type { CryptoBackend, SealOpen, SecureTokenCheck, SignatureCheck } from './backend.js';

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
    const cryptoKey = await usableKey(key, 'a keyring key could not be imported by this runtime');
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

/** The key imported (or derived) once, or ERR_KEYRING_UNAVAILABLE (503) when the runtime could not make it. */
async function usableKey(key: Promise<CryptoKey>, problem: string): Promise<CryptoKey> {
  try {
    return await key;
  } catch {
    throw new UrlsealError('ERR_KEYRING_UNAVAILABLE', problem);
  }
}

/** A byte string (char codes below 256) as its bytes. */
function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** AES-256-GCM decryption with a CryptoKey imported (or derived) once; any failure is `undefined`. */
function aesGcmOpen(key: Promise<CryptoKey>): SealOpen {
  key.catch(() => undefined); // an unused key that failed to import is no unhandled rejection
  return async (aad, iv, ciphertext, tag) => {
    const cryptoKey = await usableKey(key, 'a sealed-token key could not be derived by this runtime');
    const nonce = decodeBase64url(iv);
    const mac = decodeBase64url(tag);
    const body = decodeBase64url(ciphertext);
    if (nonce?.length !== SEAL_IV_BYTES || mac?.length !== SEAL_TAG_BYTES || body === undefined) return undefined;
    // Web Crypto takes the tag appended to the ciphertext.
    const data = new Uint8Array(body.length + SEAL_TAG_BYTES);
    data.set(body);
    data.set(mac, body.length);
    try {
      const params = { name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: latin1Bytes(aad), tagLength: SEAL_TAG_BYTES * 8 };
      return new Uint8Array(await crypto.subtle.decrypt(params, cryptoKey, data));
    } catch {
      return undefined;
    }
  };
}

/** A kid's sealed-token opener: the AES-256-GCM content key derived from its secret by HKDF (docs/spec.md §9), once. */
export function importSealSecret(secret: Uint8Array): SealOpen {
  let key: Promise<CryptoKey>;
  try {
    key = crypto.subtle
      .importKey('raw', new Uint8Array(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encodeUtf8(SEAL_KDF_INFO) as Uint8Array<ArrayBuffer> },
          base,
          { name: 'AES-GCM', length: SEAL_KEY_BYTES * 8 },
          false,
          ['decrypt'],
        ),
      );
  } catch (error) {
    key = Promise.reject(error);
  }
  return aesGcmOpen(key);
}

/** An opener over a content key given as it is (32 bytes). */
export function importContentKey(raw: Uint8Array): SealOpen {
  if (raw.length !== SEAL_KEY_BYTES) throw new TypeError(`a sealed-token content key is ${SEAL_KEY_BYTES} bytes`);
  return aesGcmOpen(crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'AES-GCM' }, false, ['decrypt']));
}

/** The secure-token check of one legacy secret: pure-JS md5 (Web Crypto has none), compared in constant time. */
export function importSecureTokenSecret(secret: Uint8Array): SecureTokenCheck {
  return (path, expires, st) => constantTimeEqualString(computeSecureToken(secret, path, expires), st);
}

/** A base64url segment as strict UTF-8 text, or `undefined`. */
export function decodeText(segment: string): string | undefined {
  const bytes = decodeBase64url(segment);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
}

/**
 * {@link webCrypto} but its secure-token check and its sealed-token openers, for a bundle
 * that loads those (and md5, and AES-GCM) only when the keyring or a token needs them:
 * the Worker (issue 16).
 */
export const webCryptoSignatures: Omit<CryptoBackend, 'importSecureTokenSecret' | 'importSealSecret' | 'importContentKey'> = /* @__PURE__ */ Object.freeze({
  name: 'web',
  importKey,
  decodeBytes: decodeUtf8,
  decodeText,
});

/**
 * The Web Crypto backend: `crypto.subtle` for JWS, pure-JS md5 for secure-token.
 */
// Pure, its members named (a spread could run getters): a bundle that imports only webCryptoJws leaves it, and md5, out.
export const webCrypto: CryptoBackend = /* @__PURE__ */ Object.freeze({
  name: 'web',
  importKey,
  importSecureTokenSecret,
  importSealSecret,
  importContentKey,
  decodeBytes: decodeUtf8,
  decodeText,
});
