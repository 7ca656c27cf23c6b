// Entry of dist/cloudfront-jwt-kvs.js: cloudfront-jwt.ts with the keys read
// from the function's KeyValueStore (`cf.kvs()`), one per kid.
import { checkCoreClaims } from '../jwt.js';
import { checkJwt, refuseSecureToken } from '../decide.js';
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsKeys, type CloudFrontKeyValueStore } from './cloudfront-kvs.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore) =>
  createHandler(config, {
    keys: kvsKeys(crypto, kvs),
    secureToken: () => [],
    checkJwt,
    checkSecureToken: refuseSecureToken,
    checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy),
  });
