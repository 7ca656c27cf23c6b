// The seam between the verifier core and a crypto implementation. Keys and
// secrets are prepared once per verifier, never per request.
import type { KeyEntry } from '../../contract/keyring.js';

/**
 * Verifies a JWS signature (given as its canonical base64url segment) over
 * the signing input with one prepared key. May answer synchronously
 * (node:crypto) or asynchronously (crypto.subtle).
 */
export type SignatureCheck = (signingInput: string, signature: string) => boolean | Promise<boolean>;

/**
 * Whether `st` (22 canonical base64url characters) equals
 * base64url(md5(secret + path + expires)) for one prepared secret, compared in
 * constant time.
 */
export type SecureTokenCheck = (path: string, expires: string, st: string) => boolean;

/**
 * Opens one sealed token (JWE `dir` + A256GCM, docs/spec.md §9 "Sealed tokens")
 * with one prepared 256-bit content key: `aad` is a byte string (each char code
 * below 256; for a token the ASCII of its encoded protected header), `iv`,
 * `ciphertext` and `tag` canonical base64url segments. The plaintext, or
 * `undefined` when it does not open: a wrong tag, an IV other than 12 bytes, a tag
 * other than 16 bytes. Synchronous on node:crypto, a promise on crypto.subtle.
 */
export type SealOpen = (aad: string, iv: string, ciphertext: string, tag: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/**
 * A crypto implementation for the verifier: the Web one (`crypto.subtle` and
 * pure-JS md5) or the Node one (`node:crypto`).
 */
export interface CryptoBackend {
  readonly name: 'web' | 'node';
  /** Prepares one JWT key for verification. */
  importKey(entry: KeyEntry): SignatureCheck;
  /** Prepares one legacy secure-token secret. */
  importSecureTokenSecret(secret: Uint8Array): SecureTokenCheck;
  /**
   * Prepares the sealed-token key of one HS256 secret: the AES-256-GCM content key
   * HKDF-SHA256(secret, salt empty, info "urlseal seal A256GCM", 32 bytes), derived
   * once, here (never per request).
   */
  importSealSecret(secret: Uint8Array): SealOpen;
  /** Prepares a raw 32-byte AES-256-GCM key (the derived one, or a test vector's). */
  importContentKey(key: Uint8Array): SealOpen;
  /** Decodes bytes as strict UTF-8; `undefined` if not UTF-8. */
  decodeBytes(bytes: Uint8Array): string | undefined;
  /** Decodes an already-validated canonical base64url segment as strict UTF-8; `undefined` if not UTF-8. */
  decodeText(segment: string): string | undefined;
}
