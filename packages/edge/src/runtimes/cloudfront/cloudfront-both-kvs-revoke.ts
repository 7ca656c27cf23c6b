// Entry of dist/cloudfront-both-kvs-revoke.js: cloudfront-both-kvs.ts that also reads
// revocation entries from the KeyValueStore (`urlseal build cloudfront --kvs --revocations kvs --on-store-error deny|allow`).
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { kvsKeys, kvsSecureToken } from './cloudfront-kvs.js';
import { withKvsRevocation, type CloudFrontRevocationStore } from './cloudfront-revocation.js';
import { bothSchemes } from './cloudfront-schemes.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto, kvs: CloudFrontRevocationStore, onStoreError: 'deny' | 'allow') =>
  createHandler(config, withKvsRevocation(bothSchemes(kvsKeys(crypto, kvs), kvsSecureToken(crypto, kvs)), kvs, onStoreError));
