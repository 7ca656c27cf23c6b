// Public API of @urlseal/edge (Web APIs only). Re-exports; no logic here.
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
