// Sealing with Web APIs only (crypto.subtle: HKDF and AES-GCM), asynchronous. The same
// bytes as the Node sealer for the same IV (docs/spec.md §9 "Sealed tokens").
import { SEAL_IV_BYTES, SEAL_KDF_INFO, SEAL_KEY_BYTES, SEAL_TAG_BYTES, sealedHeader, type KeyEntry } from '@urlseal/edge/contract';
import { base64url } from 'jose';

/** Seals a claims JSON text into a compact JWE with one HS256 keyring key. `iv` is for known-answer tests only. */
export type AsyncSeal = (claimsJson: string, iv?: Uint8Array) => Promise<string>;

const encoder = new TextEncoder();

async function deriveKey(secret: Uint8Array): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new Uint8Array(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(SEAL_KDF_INFO) },
    base,
    { name: 'AES-GCM', length: SEAL_KEY_BYTES * 8 },
    false,
    ['encrypt'],
  );
}

/** Makes the sealer for one HS256 key; the key is derived once, on first use, and shared. */
export function createAsyncSeal(entry: KeyEntry): AsyncSeal {
  if (entry.alg !== 'HS256' || entry.secret === undefined) throw new TypeError(`createSigner: keyring key "${entry.kid}" is not HS256 and cannot seal`);
  const secret = entry.secret;
  const header = base64url.encode(sealedHeader(entry.kid));
  const aad = encoder.encode(header);
  let key: Promise<CryptoKey> | undefined;
  return async (claimsJson, iv = crypto.getRandomValues(new Uint8Array(SEAL_IV_BYTES))) => {
    key ??= deriveKey(secret);
    const nonce = new Uint8Array(iv);
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: SEAL_TAG_BYTES * 8 }, await key, encoder.encode(claimsJson)),
    );
    const cut = sealed.length - SEAL_TAG_BYTES;
    return `${header}..${base64url.encode(nonce)}.${base64url.encode(sealed.subarray(0, cut))}.${base64url.encode(sealed.subarray(cut))}`;
  };
}
