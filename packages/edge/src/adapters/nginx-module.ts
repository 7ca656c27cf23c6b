// Entry of dist/nginx.js: the bundle `urlseal build nginx` wraps into an njs
// module (`export default { handle }`). It leaves one global, the factory the
// module calls with the validated keyring and njs's `crypto`: both schemes,
// every claim (`ip` included; `aud`/`iss` are not configured).
import { checkJwt, checkSecureToken } from '../decide.js';
import { checkClaims } from '../jwt.js';
import { inlineKeys, inlineSecureToken, type BuiltConfig, type CryptoModule } from './crypto-module.js';
import { createNginxHandler, createNginxLogTarget } from './nginx.js';

(globalThis as { urlsealNginx?: unknown }).urlsealNginx = (config: BuiltConfig, crypto: CryptoModule) =>
  createNginxHandler(config, {
    keys: inlineKeys(config, crypto),
    secureToken: inlineSecureToken(config, crypto),
    checkJwt,
    checkSecureToken,
    checkClaims,
  });

// The access log's token-free target (`js_set $urlseal_log_target urlseal.logTarget`).
(globalThis as { urlsealNginxLogTarget?: unknown }).urlsealNginxLogTarget = createNginxLogTarget;
