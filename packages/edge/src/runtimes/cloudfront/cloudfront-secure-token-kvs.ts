// Entry of dist/cloudfront-secure-token-kvs.js: cloudfront-secure-token.ts
// with the secrets read from the function's KeyValueStore (`cf.kvs()`).
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsSecureToken, type CloudFrontKeyValueStore } from './cloudfront-kvs.js';
import { secureTokenFunction } from './cloudfront-schemes.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore) =>
  createHandler(config, secureTokenFunction(kvsSecureToken(crypto, kvs)));
