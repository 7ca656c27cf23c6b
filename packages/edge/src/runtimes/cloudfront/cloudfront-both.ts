// Entry of dist/cloudfront-both.js: a CloudFront Function for HS256 JWTs and the
// legacy secure-token scheme on the same paths (a migration), with the keys and
// secrets inlined.
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { bothSchemes } from './cloudfront-schemes.js';
import { inlineKeys, inlineSecureToken } from '../../core/crypto/module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, bothSchemes(inlineKeys(config, crypto), inlineSecureToken(config, crypto)));
