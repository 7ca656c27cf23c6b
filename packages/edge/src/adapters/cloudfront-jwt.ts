// Entry of dist/cloudfront-jwt.js: a CloudFront Function for HS256 JWTs with
// the keys inlined. A CloudFront Function is a script, not a module, so the
// bundle leaves one global: the factory `urlseal build cloudfront` calls with
// the validated keyring and CloudFront's `crypto`.
import { checkCoreClaims } from '../jwt.js';
import { checkJwt, refuseSecureToken } from '../decide.js';
import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { inlineKeys } from './crypto-module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, {
    keys: inlineKeys(config, crypto),
    secureToken: () => [],
    checkJwt,
    checkSecureToken: refuseSecureToken,
    checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy),
  });
