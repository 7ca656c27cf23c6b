// node:crypto backend, chosen by the `node` export condition. Synchronous:
// each crypto.subtle call on Node costs tens of µs of promise and copy
// overhead, more than the HMAC itself.
import {
  constants,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  createSecretKey,
  hkdfSync,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import { UrlsealError } from '../contract/errors.js';
import type { JwtAlgorithm, KeyEntry } from '../contract/keyring.js';
import { constantTimeEqualString } from '../lib/compare.js';
import { decodeUtf8 } from '../lib/utf8.js';
import { SEAL_IV_BYTES, SEAL_KDF_INFO, SEAL_KEY_BYTES, SEAL_TAG_BYTES } from '../contract/seal-format.js';
import type { CryptoBackend, SealOpen, SecureTokenCheck, SignatureCheck } from '../core/crypto/backend.js';

const HMAC_HASH: Partial<Record<JwtAlgorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function hmacCheck(hash: string, secret: Uint8Array): SignatureCheck {
  // A KeyObject made once: createHmac then skips preparing raw key bytes per call.
  const key = createSecretKey(Buffer.from(secret));
  // The MAC is compared as canonical base64url text (the caller validated the
  // segment), which saves decoding the token's signature.
  return (signingInput, signature) =>
    constantTimeEqualString(createHmac(hash, key).update(signingInput).digest('base64url'), signature);
}

function publicKey(entry: KeyEntry): KeyObject | undefined {
  const jwk = entry.jwk;
  if (jwk === undefined) {
    const rsa = entry.rsa;
    if (rsa === undefined) return undefined;
    try {
      return createPublicKey({ key: { kty: 'RSA', n: rsa.n, e: rsa.e }, format: 'jwk' });
    } catch {
      return undefined;
    }
  }
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
  const digest = entry.alg === 'EdDSA' ? null : 'sha256';
  // PS256 (RFC 7518 §3.5): MGF1 with SHA-256 and a salt as long as the hash, nothing else.
  const options =
    entry.alg === 'ES256'
      ? { key, dsaEncoding: 'ieee-p1363' as const }
      : entry.alg === 'PS256'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
        : entry.alg === 'RS256'
          ? { key, padding: constants.RSA_PKCS1_PADDING }
          : key;
  return (signingInput, signature) =>
    verifySignature(digest, Buffer.from(signingInput), options, Buffer.from(signature, 'base64url'));
}

const NO_SALT = Buffer.alloc(0);

/** AES-256-GCM decryption with one KeyObject made once; any failure is `undefined`. */
function contentKey(raw: Uint8Array): SealOpen {
  if (raw.length !== SEAL_KEY_BYTES) throw new TypeError(`a sealed-token content key is ${SEAL_KEY_BYTES} bytes`);
  const key = createSecretKey(Buffer.from(raw));
  return (aad, iv, ciphertext, tag) => {
    const nonce = Buffer.from(iv, 'base64url');
    const mac = Buffer.from(tag, 'base64url');
    // GCM in node:crypto takes any IV length and a short tag: only 96-bit IVs and 128-bit tags open.
    if (nonce.length !== SEAL_IV_BYTES || mac.length !== SEAL_TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: SEAL_TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'latin1'));
      decipher.setAuthTag(mac);
      const head = decipher.update(Buffer.from(ciphertext, 'base64url'));
      const tail = decipher.final(); // throws on a wrong tag
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      return undefined;
    }
  };
}

/**
 * The node:crypto backend: synchronous HMAC and md5 compared in constant
 * time, `KeyObject`s made once, native base64url decoding.
 */
export const nodeCrypto: CryptoBackend = Object.freeze({
  name: 'node',
  importKey(entry: KeyEntry): SignatureCheck {
    const hash = HMAC_HASH[entry.alg];
    return hash !== undefined ? hmacCheck(hash, entry.secret as Uint8Array) : asymmetricCheck(entry);
  },
  importSecureTokenSecret(secret: Uint8Array): SecureTokenCheck {
    const key = Buffer.from(secret);
    return (path, expires, st) =>
      constantTimeEqualString(createHash('md5').update(key).update(path + expires, 'utf8').digest('base64url'), st);
  },
  importSealSecret(secret: Uint8Array): SealOpen {
    return contentKey(new Uint8Array(hkdfSync('sha256', secret, NO_SALT, SEAL_KDF_INFO, SEAL_KEY_BYTES)));
  },
  importContentKey: contentKey,
  decodeBytes(bytes: Uint8Array): string | undefined {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = buffer.toString('utf8');
    return text.includes('\uFFFD') ? decodeUtf8(bytes) : text;
  },
  decodeText(segment: string): string | undefined {
    const bytes = Buffer.from(segment, 'base64url');
    const text = bytes.toString('utf8');
    // Buffer repairs invalid UTF-8 with U+FFFD; only then is the strict decoder needed.
    return text.includes('\uFFFD') ? decodeUtf8(bytes) : text;
  },
});
