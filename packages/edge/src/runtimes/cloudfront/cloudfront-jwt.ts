// Entry of dist/cloudfront-jwt.js: a CloudFront Function for HS256 JWTs with
// the keys inlined. A CloudFront Function is a script, not a module, so the
// bundle leaves one global: the factory `urlseal build cloudfront` calls with
// the validated keyring and CloudFront's `crypto`.
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { jwtFunction } from './cloudfront-schemes.js';
import { inlineKeys } from '../../core/crypto/module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, jwtFunction(inlineKeys(config, crypto)));
