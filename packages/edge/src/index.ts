// Public API of @urlseal/edge (Web APIs only). Re-exports; no logic here but
// binding createVerifier to the Web Crypto backend.
import { webCrypto } from './crypto/web.js';
import { createVerifierWith, type Verifier, type VerifierOptions } from './verify.js';

export { DENIAL_STATUS, UrlsealError, isDenialCode } from './errors.js';
export type { DenialCode, ErrorCode } from './errors.js';
export {
  MAX_GRANT_PATTERNS,
  MAX_PATH_LENGTH,
  canonicalPath,
  isCanonicalDecodedPath,
  isValidPattern,
  matchesGrant,
  parseGrant,
  tryCanonicalPath,
} from './path.js';
export { MIN_SECRET_BYTES, createKeyring } from './keyring.js';
export type { AsymmetricJwk, JwtAlgorithm, KeyEntry, Keyring, KeyringJson } from './keyring.js';
export { MAX_TOKEN_BYTES, checkClaims, createJwtParser, parseJwt } from './jwt.js';
export type { CheckedClaims, ClaimPolicy, Claims, ParsedJwt } from './jwt.js';
export { computeSecureToken, parseSecureToken } from './secure-token.js';
export { DEFAULT_TOKEN_PARAMS, extractToken } from './token.js';
export type { ExtractedRequest, TokenCarrier, TokenParams, TokenSource } from './token.js';
export { ipInRange, parseIpRange } from './ip.js';
export type { IpRange } from './ip.js';
export { denialResponse, originFailure } from './handle.js';
export { isManifest, rewriteManifest } from './hls.js';
export type { ManifestRewrite } from './hls.js';
export { webCrypto } from './crypto/web.js';
export type { CryptoBackend, SecureTokenCheck, SignatureCheck } from './crypto/backend.js';
export { createVerifierWith } from './verify.js';
export type {
  CheckResult,
  Denial,
  RequestView,
  Scheme,
  TokenResult,
  Verifier,
  VerifierOptions,
  VerifyCallOptions,
  VerifyResult,
} from './verify.js';

/**
 * Creates a verifier (SPEC §4–7). Every option is validated once, here
 * (`TypeError` naming the option; an invalid keyring throws `UrlsealError`
 * `ERR_KEYRING_INVALID`), and every key is imported once. This build uses
 * `crypto.subtle`; on Node the `node` export condition gives the node:crypto one.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge';
 * const verifier = createVerifier({ keyring: env.URLSEAL_KEYRING });
 * export default { fetch: (request: Request) => verifier.handle(request, (forward) => fetch(forward)) };
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return createVerifierWith(webCrypto, options);
}
