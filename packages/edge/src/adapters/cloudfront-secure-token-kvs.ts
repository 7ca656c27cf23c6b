// Entry of dist/cloudfront-secure-token-kvs.js: cloudfront-secure-token.ts
// with the secrets read from the function's KeyValueStore (`cf.kvs()`).
import { ERR_KID_UNKNOWN } from '../codes.js';
import { checkSecureToken, refuseJwt } from '../decide.js';
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsSecureToken, type CloudFrontKeyValueStore } from './cloudfront-kvs.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore) =>
  createHandler(config, {
    keys: { get: () => undefined },
    secureToken: kvsSecureToken(crypto, kvs),
    checkJwt: refuseJwt,
    checkSecureToken,
    checkClaims: () => ({ code: ERR_KID_UNKNOWN, claim: 'kid' }), // never reached: refuseJwt stops at the kid
  });
