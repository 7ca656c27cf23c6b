// CloudFront Functions with a KeyValueStore: the secrets are read per request
// from the store associated with the function (`import cf from 'cloudfront'`),
// so keys rotate without redeploying. One key per kid (a value holds at most
// 1 KB): `urlseal.kid.<kid>` → `HS256:<secret, base64url>`, or the bare alg of
// a kid this runtime cannot verify (`ES256`); `urlseal.st.0`, `urlseal.st.1`,
// … → the secure-token secrets, base64url, the signing one first. On the
// JavaScript floor (scripts/floor.js): promise chains, no async closures
// (CloudFront allows `async` only on the top-level handler).
import { ERR_KEYRING_UNAVAILABLE, type DenialCode } from '../../contract/codes.js';
import { DETAILS } from '../../lib/flags.js';
import type { SecureTokenCheck } from '../../core/crypto/backend.js';
import type { MaybeAsync } from '../../core/decide.js';
import type { KeySource, PreparedKey } from '../../core/prepare.js';
import { UNVERIFIABLE_KEY, bytes, hs256Key, secureTokenCheck, type CryptoModule as CloudFrontCrypto } from '../../core/crypto/module.js';

/** `cf.kvs()` of `import cf from 'cloudfront'`: reads of the KeyValueStore associated with the function. */
export interface CloudFrontKeyValueStore {
  get(key: string): Promise<string>;
}

/** KeyValueStore key of a kid's secret. */
export const KVS_KID_PREFIX = 'urlseal.kid.';
/** KeyValueStore key of the n-th secure-token secret, from 0. */
export const KVS_SECURE_TOKEN_PREFIX = 'urlseal.st.';
/** Most secure-token secrets read from a KeyValueStore (rotation needs two). */
export const KVS_MAX_SECURE_TOKEN_SECRETS = 8;

// keyring.ts's MIN_SECRET_BYTES: that module is not on the floor (classes, for-of), so the bound is restated.
const MIN_SECRET_BYTES = 32;

/** An error `decide` turns into its code (503): the key store holds a bad key, not the client's fault. */
function unavailable(detail: string | false): { code: DenialCode; message?: string } {
  return DETAILS ? { code: ERR_KEYRING_UNAVAILABLE, message: detail || undefined } : { code: ERR_KEYRING_UNAVAILABLE };
}

/**
 * One KeyValueStore read, made into `found(value)`, or `undefined` when `get`
 * fails, as it does for a key that does not exist. (A store that fails
 * altogether fails the same way: the kid is unknown, 401, never a grant.) A
 * throw in `found` is not a failed read: it rejects, and `decide` answers it.
 */
function kvsRead<T>(kvs: CloudFrontKeyValueStore, key: string, found: (value: string) => T): Promise<T | undefined> {
  return kvs.get(key).then(found, () => undefined);
}

function kvsSecret(value: string): Uint8Array {
  const secret = bytes(value);
  // A short secret in the store is a setup fault: fail closed with 503.
  if (secret.length < MIN_SECRET_BYTES) throw unavailable(DETAILS && 'short secret');
  return secret;
}

const HS256_VALUE = 'HS256:';

/**
 * `HS256:<secret>`; any other value names the alg of a kid this runtime cannot
 * verify (`ES256`), whose tokens answer ERR_ALG_NOT_ALLOWED, never a grant.
 */
function kvsKey(crypto: CloudFrontCrypto, value: string): PreparedKey {
  return value.startsWith(HS256_VALUE) ? hs256Key(crypto, kvsSecret(value.slice(HS256_VALUE.length))) : UNVERIFIABLE_KEY;
}

/**
 * The JWT keys of the KeyValueStore, one read per token. Any kid is looked
 * up: the prefix keeps it among urlseal's kid keys, and one that names no key
 * (or is too long for a key) is unknown.
 */
export function kvsKeys(crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore): KeySource {
  return {
    get: (kid) => kvsRead(kvs, KVS_KID_PREFIX + kid, (value) => kvsKey(crypto, value)),
  };
}

/** `urlseal.st.0`, `urlseal.st.1`, … read in order until one is missing. */
function kvsSecureTokenChecks(crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore, found: SecureTokenCheck[]): MaybeAsync<SecureTokenCheck[]> {
  // Only ever reached inside a `then` (the first call reads key 0): a plain value settles it.
  if (found.length >= KVS_MAX_SECURE_TOKEN_SECRETS) return found;
  return kvsRead(kvs, KVS_SECURE_TOKEN_PREFIX + found.length, (value) => {
    found.push(secureTokenCheck(crypto, kvsSecret(value)));
    return kvsSecureTokenChecks(crypto, kvs, found);
  }).then((more) => more || found);
}

/** The secure-token secrets of the KeyValueStore, read when a request carries `st` and `e`. */
export function kvsSecureToken(crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore): () => MaybeAsync<readonly SecureTokenCheck[]> {
  return () => kvsSecureTokenChecks(crypto, kvs, []);
}
