// Entry of dist/cloudfront-jwt-kvs-revoke.js: cloudfront-jwt-kvs.ts that also reads
// revocation entries from the KeyValueStore (`urlseal build cloudfront --kvs --revocations kvs --on-store-error deny|allow`).
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsKeys } from './cloudfront-kvs.js';
import { withKvsRevocation, type CloudFrontRevocationStore } from './cloudfront-revocation.js';
import { jwtFunction } from './cloudfront-schemes.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontRevocationStore, onStoreError: 'deny' | 'allow') =>
  createHandler(config, withKvsRevocation(jwtFunction(kvsKeys(crypto, kvs)), kvs, onStoreError));
