// Entry of dist/nginx.js: the bundle `urlseal build nginx` wraps into an njs
// module (`export default { handle }`). It leaves one global, the factory the
// module calls with the validated keyring, njs's `crypto` module and its
// WebCrypto `crypto.subtle`: both schemes, every claim (`ip` included;
// `aud`/`iss` are not configured), sealed tokens (AES-GCM in WebCrypto), RS256
// and PS256 (RSA in WebCrypto, from the SPKI the build converted).
import { checkSecureToken } from '../../core/decide.js';
import { checkClaims } from '../../contract/jwt.js';
import { checkToken, createSealedParser } from '../../core/sealed.js';
import { decodeSegmentText, inlineKeys, inlineSecureToken, type BuiltConfig, type CryptoModule } from '../../core/crypto/module.js';
import { createNginxHandler, createNginxLogTarget } from './nginx.js';
import { withRsaKeys } from './njs-rsa.js';
import { withSealKeys, type SubtleModule } from './njs-sealed.js';

(globalThis as { urlsealNginx?: unknown }).urlsealNginx = (config: BuiltConfig, crypto: CryptoModule, subtle?: SubtleModule) =>
  createNginxHandler(config, {
    keys: withRsaKeys(withSealKeys(inlineKeys(config, crypto), config, subtle), config, subtle),
    secureToken: inlineSecureToken(config, crypto),
    checkJwt: checkToken,
    checkSecureToken,
    checkClaims,
    sealed: { mode: 'allow', parse: createSealedParser(decodeSegmentText) },
  });

// The access log's token-free target (`js_set $urlseal_log_target urlseal.logTarget`).
(globalThis as { urlsealNginxLogTarget?: unknown }).urlsealNginxLogTarget = createNginxLogTarget;
