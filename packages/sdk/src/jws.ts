import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { CompactSign, importJWK } from 'jose';
import type { KeyEntry } from '@urlseal/edge/contract';

/** Signs a JWT payload (claims JSON) with one key; `sync` is set for HMAC keys. */
export interface JwsSigner {
  readonly kid: string;
  readonly alg: KeyEntry['alg'];
  /** Synchronous signing, present only when the key allows it (HMAC). */
  readonly sync?: (claimsJson: string) => string;
  readonly sign: (claimsJson: string) => Promise<string>;
}

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** The exact protected header of SPEC §4: `{"alg","kid","typ":"JWT"}`, in that order. */
function headerJson(entry: KeyEntry): string {
  return JSON.stringify({ alg: entry.alg, kid: entry.kid, typ: 'JWT' });
}

// Hot path: the header is encoded once per key, and the HMAC key is a KeyObject
// made once, so a signature costs one JSON.stringify, one base64url and one HMAC.
function hmacSigner(entry: KeyEntry, hash: string, secret: Uint8Array): JwsSigner {
  const key: KeyObject = createSecretKey(secret);
  const prefix = `${Buffer.from(headerJson(entry)).toString('base64url')}.`;
  const sync = (claimsJson: string): string => {
    const input = prefix + Buffer.from(claimsJson).toString('base64url');
    return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
  };
  return { kid: entry.kid, alg: entry.alg, sync, sign: async (claimsJson) => sync(claimsJson) };
}

// Asymmetric keys go through jose; the key is imported once, on first use, and
// the promise is cached so concurrent first calls share one import.
function joseSigner(entry: KeyEntry): JwsSigner {
  const jwk = entry.jwk;
  if (jwk?.d === undefined) throw new TypeError(`keyring: key "${entry.kid}" has no private part and cannot sign`);
  let key: ReturnType<typeof importJWK> | undefined;
  const header = JSON.parse(headerJson(entry)) as { alg: string; kid: string; typ: string };
  const sign = async (claimsJson: string): Promise<string> => {
    key ??= importJWK({ ...jwk }, entry.alg);
    return new CompactSign(Buffer.from(claimsJson)).setProtectedHeader(header).sign(await key);
  };
  return { kid: entry.kid, alg: entry.alg, sign };
}

/**
 * Makes the signer for one keyring key. HMAC keys sign synchronously with
 * node:crypto; ES256 and EdDSA keys sign with jose.
 */
export function createJwsSigner(entry: KeyEntry): JwsSigner {
  if (entry.alg === 'ES256' || entry.alg === 'EdDSA') return joseSigner(entry);
  const hash = HMAC_HASH[entry.alg];
  if (entry.secret === undefined) throw new TypeError(`keyring: key "${entry.kid}" has no secret`);
  return hmacSigner(entry, hash, entry.secret);
}
