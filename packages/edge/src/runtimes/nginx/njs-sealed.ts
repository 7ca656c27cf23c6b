// Sealed tokens in nginx's njs (issue 17; docs/spec.md §9 "Sealed tokens"): njs 0.7.9's
// WebCrypto opens AES-256-GCM with AAD. The content keys were derived by `urlseal build
// nginx` in Node (HKDF) and arrive in the built config; each is imported when needed. On the
// JavaScript floor (scripts/floor.js): no async functions, promises are chained.
import { hasOwn } from '../../lib/own.js';
import type { KeySource, PreparedKey } from '../../core/prepare.js';
import { bytes, type BuiltConfig } from '../../core/crypto/module.js';

/** The parts of a WebCrypto `SubtleCrypto` (njs's `crypto.subtle`) the njs module uses: AES-GCM here, RSA in njs-rsa.ts. */
export interface SubtleModule {
  importKey(format: 'raw' | 'spki', key: Uint8Array, algorithm: 'AES-GCM' | { name: string; hash: 'SHA-256' }, extractable: false, usages: string[]): Promise<unknown>;
  decrypt(algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array; tagLength: number }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: { name: string; saltLength: number }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

/**
 * For a key this runtime could not import (or without WebCrypto): the server's fault, 503
 * ERR_KEYRING_UNAVAILABLE, as for any other key. No message: the floor bundles carry no
 * denial detail (lib/flags-floor.ts).
 */
export function unavailable(): never {
  throw { code: 'ERR_KEYRING_UNAVAILABLE' };
}

/** Strict UTF-8 text of bytes: decodeURIComponent over their hex refuses what Buffer would repair. */
function strictText(plain: ArrayBuffer): string | undefined {
  try {
    return decodeURIComponent(Buffer.from(plain).toString('hex').replace(/../g, '%$&'));
  } catch {
    return undefined;
  }
}

/**
 * An opener for one content key: imported at the first sealed token for its kid, then
 * AES-GCM per token; any failure to open is `undefined`. Not up front: njs 0.7.9 runs the
 * module afresh for every request, so every request would import every kid's key.
 */
function opener(subtle: SubtleModule, raw: Uint8Array): NonNullable<PreparedKey['unseal']> {
  let key: Promise<unknown> | undefined;
  return (aad, iv, ciphertext, tag) => {
    const nonce = bytes(iv);
    const mac = bytes(tag);
    if (nonce.length !== 12 || mac.length !== 16) return undefined;
    key = key || subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    return key.then(
      (cryptoKey) =>
        subtle
          // 'name' quoted: the floor bundles rename internal properties called name (scripts/floor.js), not quoted ones.
          .decrypt({ 'name': 'AES-GCM', iv: nonce, additionalData: Buffer.from(aad), tagLength: 128 }, cryptoKey, Buffer.concat([bytes(ciphertext), mac]))
          .then(strictText, () => undefined),
      unavailable,
    );
  };
}

/**
 * `keys` with a sealed-token opener on every kid the built config holds a content key for
 * (`sealKeys`). Without `subtle` or content keys, `keys` as it is: sealed tokens then answer
 * ERR_ALG_NOT_ALLOWED (the kid cannot seal here).
 */
export function withSealKeys(keys: KeySource, config: BuiltConfig, subtle: SubtleModule | undefined): KeySource {
  const sealKeys = config.sealKeys;
  if (subtle === undefined || sealKeys === undefined) return keys;
  const table: Record<string, PreparedKey> = Object.create(null);
  sealKeys.forEach((entry) => {
    const key = keys.get(entry[0] as string) as PreparedKey | undefined;
    if (key !== undefined) table[entry[0] as string] = Object.assign({}, key, { unseal: opener(subtle, bytes(entry[1] as string)) });
  });
  return { get: (kid) => (hasOwn(table, kid) ? table[kid] : keys.get(kid)) };
}
