// Sealing on Node, synchronous: HKDF-SHA256 once per key, then one AES-256-GCM encryption
// per token with a random 96-bit IV (docs/spec.md §9 "Sealed tokens").
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { SEAL_IV_BYTES, SEAL_KDF_INFO, SEAL_KEY_BYTES, sealedHeader, type KeyEntry } from '@urlseal/edge/contract';

/** Seals a claims JSON text into a compact JWE with one HS256 keyring key. `iv` is for known-answer tests only. */
export type SyncSeal = (claimsJson: string, iv?: Uint8Array) => string;

/** The content key of an HS256 secret: HKDF-SHA256(secret, salt empty, info "urlseal seal A256GCM", 32). */
export function deriveSealKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), SEAL_KDF_INFO, SEAL_KEY_BYTES));
}

/** Makes the sealer for one HS256 key: key derived and header encoded once. */
export function createSyncSeal(entry: KeyEntry): SyncSeal {
  if (entry.alg !== 'HS256' || entry.secret === undefined) throw new TypeError(`createSigner: keyring key "${entry.kid}" is not HS256 and cannot seal`);
  const key = createSecretKey(deriveSealKey(entry.secret));
  const header = Buffer.from(sealedHeader(entry.kid)).toString('base64url');
  const aad = Buffer.from(header, 'latin1');
  const prefix = `${header}..`;
  return (claimsJson, iv = randomBytes(SEAL_IV_BYTES)) => {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    const head = cipher.update(claimsJson, 'utf8');
    const tail = cipher.final();
    const ciphertext = tail.length === 0 ? head : Buffer.concat([head, tail]);
    return `${prefix}${Buffer.from(iv).toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  };
}

/**
 * Opens a sealed token with an HS256 key (for `urlseal inspect -k`): the plaintext, or
 * `undefined` when it does not open (another key, a changed byte, not five segments).
 */
export function openSealed(entry: KeyEntry, token: string): string | undefined {
  if (entry.alg !== 'HS256' || entry.secret === undefined) return undefined;
  const [header, encryptedKey, iv, ciphertext, tag, extra] = token.split('.');
  if (extra !== undefined || encryptedKey !== '' || header === undefined || iv === undefined || ciphertext === undefined || tag === undefined) return undefined;
  try {
    const nonce = Buffer.from(iv, 'base64url');
    const mac = Buffer.from(tag, 'base64url');
    if (nonce.length !== SEAL_IV_BYTES || mac.length !== 16) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', deriveSealKey(entry.secret), nonce, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(header, 'latin1'));
    decipher.setAuthTag(mac);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
