// The seam between the verifier core and a crypto implementation. Keys and
// secrets are prepared once per verifier, never per request.
import type { KeyEntry } from '../keyring.js';

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
 * A crypto implementation for the verifier: the Web one (`crypto.subtle` and
 * pure-JS md5) or the Node one (`node:crypto`).
 */
export interface CryptoBackend {
  readonly name: 'web' | 'node';
  /** Prepares one JWT key for verification. */
  importKey(entry: KeyEntry): SignatureCheck;
  /** Prepares one legacy secure-token secret. */
  importSecureTokenSecret(secret: Uint8Array): SecureTokenCheck;
  /** Decodes an already-validated canonical base64url segment as strict UTF-8; `undefined` if not UTF-8. */
  decodeText(segment: string): string | undefined;
}
