// Entry of dist/cloudfront-secure-token.js: a CloudFront Function for the
// legacy secure-token scheme (SPEC §5) with the secrets inlined; a JWT answers
// as on an edge that holds no JWT key.
import { ERR_KID_UNKNOWN } from '../codes.js';
import { checkSecureToken, refuseJwt } from '../decide.js';
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { inlineSecureToken } from './crypto-module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, {
    keys: { get: () => undefined },
    secureToken: inlineSecureToken(config, crypto),
    checkJwt: refuseJwt,
    checkSecureToken,
    checkClaims: () => ({ code: ERR_KID_UNKNOWN, claim: 'kid' }), // never reached: refuseJwt stops at the kid
  });
