import { createHandler, type CloudFrontConfig, type CloudFrontCrypto } from './cloudfront.js';
import { checkSecureToken } from '../decide.js';
import { checkCoreClaims } from '../jwt.js';
import { checkJwtWithoutAes } from '../sealed.js';
import { inlineKeys, inlineSecureToken } from './crypto-module.js';

(globalThis as { urlseal?: unknown }).urlseal = (config: CloudFrontConfig, crypto: CloudFrontCrypto) =>
  createHandler(config, {
    keys: inlineKeys(config, crypto),
    secureToken: inlineSecureToken(config, crypto),
    checkJwt: checkJwtWithoutAes,
    checkSecureToken,
    checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy),
  });
