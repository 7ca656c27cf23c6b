// The three kinds of CloudFront Function: HS256 JWTs, secure-token links, or
// both (a migration from legacy links to JWTs on the same paths). A function of
// one scheme answers the other as an edge that holds no key for it; where the
// secrets come from (inlined by `urlseal build cloudfront`, or a KeyValueStore)
// is the entry file's choice.
import { ERR_KID_UNKNOWN } from '../../contract/codes.js';
import { checkSecureToken, refuseJwt, refuseSecureToken } from '../../core/decide.js';
import { checkCoreClaims } from '../../contract/jwt.js';
import { checkJwtWithoutAes } from '../../core/sealed.js';
import type { KeySource, Prepared } from '../../core/prepare.js';
import type { Wiring } from '../../core/crypto/module.js';

/**
 * HS256 JWTs with claims but `ip` (denied) and `aud`/`iss` (not checked): no
 * room for them. `geo` is checked against CloudFront-Viewer-Country. A sealed token answers ERR_ALG_NOT_ALLOWED:
 * CloudFront's `crypto` has no AES.
 */
export function jwtFunction(keys: KeySource): Wiring {
  return {
    keys,
    secureToken: () => [],
    checkJwt: checkJwtWithoutAes,
    checkSecureToken: refuseSecureToken,
    checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy),
  };
}

/** Both schemes in one function: the JWT checks of {@link jwtFunction} and the secure-token checks of SPEC §5. */
export function bothSchemes(keys: KeySource, secureToken: Prepared['secureToken']): Wiring {
  return { keys, secureToken, checkJwt: checkJwtWithoutAes, checkSecureToken, checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy) };
}

/** The legacy secure-token scheme (SPEC §5); every JWT answers as with no key for it. */
export function secureTokenFunction(secureToken: Prepared['secureToken']): Wiring {
  return {
    keys: { get: () => undefined },
    secureToken,
    checkJwt: refuseJwt,
    checkSecureToken,
    checkClaims: () => ({ code: ERR_KID_UNKNOWN, claim: 'kid' }), // never reached: refuseJwt stops at the kid
  };
}
