// Revocation in the KeyValueStore functions (issue 18, docs/spec.md §9 "Revocation"): the
// store that holds the kids' secrets also holds the entries, under the Workers KV keys
// `sub:<user>` → notBefore and `sid:<session>` → until (decimal Unix seconds). Looked up
// after every other check passed (a forged, expired or out-of-grant token costs no read),
// for the claims a token carries, with no cache: a function keeps nothing between
// requests, so the delay is the store's own propagation. No timeout either: the floor has
// no timers, and CloudFront bounds a function's run. On the JavaScript floor: promise
// chains, no async closures.
import { ERR_CLAIM_INVALID, ERR_REVOCATION_UNAVAILABLE, ERR_TOKEN_REVOKED } from '../../contract/codes.js';
import { deny } from '../../core/decide.js';
import type { Checked, Prepared } from '../../core/types.js';
import type { Wiring } from '../../core/crypto/module.js';
import type { CloudFrontKeyValueStore } from './cloudfront-kvs.js';

/** The KeyValueStore reads revocation needs: `get`, and `exists`, which tells a missing key from a failing store. */
export interface CloudFrontRevocationStore extends CloudFrontKeyValueStore {
  exists(key: string): Promise<boolean>;
}

/** The longest key a KeyValueStore takes, in bytes; a longer one is a store fault (docs/spec.md §9). */
export const KVS_MAX_KEY_BYTES = 512;

// revocation.ts's DECIMAL: a Unix time, no sign, no leading zero, at most 16 digits.
const DECIMAL = /^(0|[1-9]\d{0,15})$/;

/**
 * The entry under `key` as a number, `missing` when there is none; a fault rejects. An empty
 * id is never looked up: no entry has one (ids are 1–1024 characters).
 */
function entry(kvs: CloudFrontRevocationStore, prefix: string, id: unknown, missing?: number): Promise<number | undefined> | number | undefined {
  if (!id) return missing;
  const key = prefix + id;
  if (Buffer.byteLength(key) > KVS_MAX_KEY_BYTES) return Promise.reject();
  // `get` fails for a missing key as for a failing store: `exists` tells them apart.
  return kvs.exists(key).then((found) =>
    found
      ? kvs.get(key).then((value) => {
          if (!DECIMAL.test(value) || !Number.isSafeInteger(+value)) throw 0;
          return +value;
        })
      : missing,
  );
}

/**
 * The wiring with its `checkJwt` followed, for a granted token with `sub` or `sid`, by the
 * store's entries: ERR_TOKEN_REVOKED when one matches; a store fault answers
 * ERR_REVOCATION_UNAVAILABLE, or passes when the build chose `allow`.
 */
export function withKvsRevocation(wiring: Wiring, kvs: CloudFrontRevocationStore, onStoreError: 'deny' | 'allow'): Wiring {
  const checkJwt = wiring.checkJwt;
  const checkThenLookUp: Prepared['checkJwt'] = (p, token, path, client) =>
    Promise.resolve(checkJwt(p, token, path, client)).then((checked): Checked | Promise<Checked> => {
      if (!checked.ok) return checked;
      const claims = checked.claims;
      if (claims.sid !== undefined && typeof claims.sid !== 'string') return deny(p, ERR_CLAIM_INVALID);
      // A token with neither claim reads nothing: both entries settle at once.
      return Promise.all([entry(kvs, 'sub:', claims.sub), entry(kvs, 'sid:', claims.sid, 0)]).then(
        (found) => {
          const notBefore = found[0];
          // A token without iat cannot show it is newer than a subject entry: revoked too. No
          // session entry reads as until 0, which every clock has passed but a failing one (NaN): closed.
          const revoked = (notBefore !== undefined && !((claims.iat as number) >= notBefore)) || !(p.clock() >= (found[1] as number) * 1000);
          return revoked ? deny(p, ERR_TOKEN_REVOKED) : checked;
        },
        () => (onStoreError === 'allow' ? checked : deny(p, ERR_REVOCATION_UNAVAILABLE)),
      );
    });
  return Object.assign(wiring, { checkJwt: checkThenLookUp });
}
