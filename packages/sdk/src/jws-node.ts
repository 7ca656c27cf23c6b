// JWS signing on Node, synchronous: node:crypto signs HMAC, ECDSA P-256 and Ed25519
// without a promise, so `signUrl` can return the URL itself.
import { createHmac, createPrivateKey, createPublicKey, createSecretKey, sign, verify, type KeyObject } from 'node:crypto';
import { UrlsealError, describeKid, type KeyEntry } from '@urlseal/edge/contract';
import { protectedHeader } from './jws.js';

/** Signs a claims JSON text into a compact JWS with one keyring key. */
export type SyncJws = (claimsJson: string) => string;

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/**
 * The private key of an ES256/EdDSA keyring entry, checked once against its public part:
 * a JWK whose `d` does not belong to its `x`/`y` would sign tokens no edge accepts.
 */
function importPrivateKey(entry: KeyEntry, digest: 'sha256' | null): KeyObject {
  const jwk = entry.jwk;
  if (jwk?.d === undefined) throw new TypeError(`createSigner: keyring key ${describeKid(entry.kid)} has no private part and cannot sign`);
  const unusable = () => new UrlsealError('ERR_KEYRING_INVALID', `keyring: key ${describeKid(entry.kid)} is not a usable ${entry.alg} key pair: its "d" does not match its public part`);
  let key: KeyObject;
  let matches: boolean;
  try {
    key = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
    const { d: _private, ...publicJwk } = jwk;
    const probe = Buffer.from('urlseal key check');
    const signature = sign(digest, probe, key);
    matches = verify(digest, probe, createPublicKey({ key: { ...publicJwk }, format: 'jwk' }), signature);
  } catch {
    throw unusable();
  }
  if (!matches) throw unusable();
  return key;
}

/**
 * Makes the signer for one keyring key, preparing its key once: HMAC keys as a
 * `KeyObject` with the header's base64url precomputed, so a token costs one
 * `JSON.stringify`, one base64url and one HMAC; ES256 signatures in the JOSE form
 * (`r‖s`, RFC 7518 §3.4), EdDSA as Ed25519.
 */
export function createSyncJws(entry: KeyEntry): SyncJws {
  const prefix = `${Buffer.from(protectedHeader(entry)).toString('base64url')}.`;
  const signingInput = (claimsJson: string): string => prefix + Buffer.from(claimsJson).toString('base64url');
  if (entry.alg === 'ES256' || entry.alg === 'EdDSA') {
    const digest = entry.alg === 'ES256' ? 'sha256' : null;
    const key = importPrivateKey(entry, digest);
    const options = entry.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    return (claimsJson) => {
      const input = signingInput(claimsJson);
      return `${input}.${sign(digest, Buffer.from(input), options).toString('base64url')}`;
    };
  }
  if (entry.secret === undefined || entry.alg === 'RS256' || entry.alg === 'PS256') {
    throw new TypeError(`createSigner: keyring key ${describeKid(entry.kid)} has no secret (RSA keys only verify)`);
  }
  const key = createSecretKey(entry.secret);
  const hash = HMAC_HASH[entry.alg];
  return (claimsJson) => {
    const input = signingInput(claimsJson);
    return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
  };
}
