// Entry of dist/cloudfront-both-kvs.js: cloudfront-both.ts with the keys and the
// secure-token secrets read from the function's KeyValueStore (`cf.kvs()`).
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsKeys, kvsSecureToken, type CloudFrontKeyValueStore } from './cloudfront-kvs.js';
import { bothSchemes } from './cloudfront-schemes.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontKeyValueStore) =>
  createHandler(config, bothSchemes(kvsKeys(crypto, kvs), kvsSecureToken(crypto, kvs)));
