// Entry of dist/cloudfront-secure-token.js: a CloudFront Function for the
// legacy secure-token scheme (SPEC §5) with the secrets inlined; a JWT answers
// as on an edge that holds no JWT key.
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { secureTokenFunction } from './cloudfront-schemes.js';
import { inlineSecureToken } from '../../core/crypto/module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, secureTokenFunction(inlineSecureToken(config, crypto)));
