// The seam between the verifier core and a crypto implementation. Keys are
// prepared once per verifier (`importKey`), never per request.
import type { KeyEntry } from '../keyring.js';

/**
 * Verifies a JWS signature over its signing input with one prepared key. May
 * answer synchronously (node:crypto) or asynchronously (crypto.subtle).
 */
export type SignatureCheck = (signingInput: string, signature: Uint8Array) => boolean | Promise<boolean>;

/**
 * A crypto implementation for the verifier: the Web one (`crypto.subtle` and
 * pure-JS md5) or the Node one (`node:crypto`).
 *
 * @example
 * ```ts
 * import { webCrypto } from '@urlseal/edge';
 * const check = webCrypto.importKey(keyring.active!); // once, at verifier creation
 * ```
 */
export interface CryptoBackend {
  readonly name: 'web' | 'node';
  /** Prepares one key for verification; called once per key when a verifier is created. */
  importKey(entry: KeyEntry): SignatureCheck;
  /** Whether `mac` equals md5(secret + path + expires), compared in constant time. */
  secureTokenMatches(secret: Uint8Array, path: string, expires: string, mac: Uint8Array): boolean;
}
