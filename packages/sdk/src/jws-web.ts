// JWS signing with Web APIs only (jose on crypto.subtle): Workers, Deno, Vercel, Bun.
// Asynchronous, because crypto.subtle is.
import { CompactSign, base64url, importJWK, type CryptoKey } from 'jose';
import type { KeyEntry } from '@urlseal/edge/contract';
import { protectedHeader } from './jws.js';

/** Signs a claims JSON text into a compact JWS with one keyring key. */
export type AsyncJws = (claimsJson: string) => Promise<string>;

function keyJwk(entry: KeyEntry): Record<string, string> {
  if (entry.secret !== undefined) return { kty: 'oct', k: base64url.encode(entry.secret) };
  if (entry.jwk?.d === undefined) throw new TypeError(`createSigner: keyring key "${entry.kid}" has no private part and cannot sign`);
  return { ...entry.jwk } as Record<string, string>;
}

/**
 * Makes the signer for one keyring key. The key is imported once, on first use, and the
 * promise is cached so concurrent first calls share one import.
 */
export function createAsyncJws(entry: KeyEntry): AsyncJws {
  const jwk = keyJwk(entry);
  const header = JSON.parse(protectedHeader(entry)) as { alg: string; kid: string; typ: string };
  const encoder = new TextEncoder();
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  return async (claimsJson) => {
    key ??= importJWK(jwk, entry.alg);
    return new CompactSign(encoder.encode(claimsJson)).setProtectedHeader(header).sign(await key);
  };
}
