// Entry of dist/cloudfront-jwt-kvs.js: cloudfront-jwt.ts with the keys read
// from the function's KeyValueStore (`cf.kvs()`), one per kid.
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsKeys, type CloudFrontKeyValueStore } from './cloudfront-kvs.js';
import { jwtFunction } from './cloudfront-schemes.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore) =>
  createHandler(config, jwtFunction(kvsKeys(crypto, kvs)));
