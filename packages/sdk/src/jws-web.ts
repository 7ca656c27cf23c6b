// JWS signing with Web APIs only (jose on crypto.subtle): Workers, Deno, Vercel, Bun.
// Asynchronous, because crypto.subtle is.
import { CompactSign, base64url, compactVerify, importJWK, type CryptoKey } from 'jose';
import { UrlsealError, describeKid, type KeyEntry } from '@urlseal/edge/contract';
import { protectedHeader } from './jws.js';

/** Signs a claims JSON text into a compact JWS with one keyring key. */
export type AsyncJws = (claimsJson: string) => Promise<string>;

function keyJwk(entry: KeyEntry): Record<string, string> {
  if (entry.secret !== undefined) return { kty: 'oct', k: base64url.encode(entry.secret) };
  if (entry.jwk?.d === undefined) throw new TypeError(`createSigner: keyring key ${describeKid(entry.kid)} has no private part and cannot sign`);
  return { ...entry.jwk } as Record<string, string>;
}

const encoder = new TextEncoder();

/**
 * Imports the key; an ES256/EdDSA private key is checked against its public part first,
 * as the Node signer checks it: a JWK whose `d` belongs to another key would sign tokens
 * no edge accepts. (Web Crypto cannot do it before the first, asynchronous, import.)
 */
async function importChecked(entry: KeyEntry, jwk: Record<string, string>): Promise<CryptoKey | Uint8Array> {
  if (entry.secret !== undefined) return importJWK(jwk, entry.alg);
  try {
    const key = await importJWK(jwk, entry.alg);
    const { d: _private, ...publicJwk } = jwk;
    const probe = await new CompactSign(encoder.encode('urlseal key check')).setProtectedHeader({ alg: entry.alg }).sign(key);
    await compactVerify(probe, await importJWK(publicJwk, entry.alg));
    return key;
  } catch {
    throw new UrlsealError('ERR_KEYRING_INVALID', `keyring: key ${describeKid(entry.kid)} is not a usable ${entry.alg} key pair: its "d" does not match its public part`);
  }
}

/**
 * Makes the signer for one keyring key. The key is imported (and checked) once, on first
 * use, and the promise is cached so concurrent first calls share one import.
 */
export function createAsyncJws(entry: KeyEntry): AsyncJws {
  const jwk = keyJwk(entry);
  const header = JSON.parse(protectedHeader(entry)) as { alg: string; kid: string; typ: string };
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  return async (claimsJson) => {
    key ??= importChecked(entry, jwk);
    return new CompactSign(encoder.encode(claimsJson)).setProtectedHeader(header).sign(await key);
  };
}
