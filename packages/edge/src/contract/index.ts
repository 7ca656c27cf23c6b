// @urlseal/edge/contract: the parts of the contract the signer shares with the
// verifier, byte for byte (SPEC §2–6). Re-exports only.
export { DENIAL_STATUS, isDenialCode } from './codes.js';
export type { DenialCode } from './codes.js';
export { UrlsealError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { DEFAULT_LEEWAY, DEFAULT_MAX_TTL } from './defaults.js';
export {
  MAX_GRANT_PATTERNS,
  MAX_PATH_LENGTH,
  isCanonicalDecodedPath,
  isValidPattern,
  matchesGrant,
  parseGrant,
  tryCanonicalPath,
} from './path.js';
export { canonicalPath } from './canonical.js';
export { MAX_KEYRING_BYTES, MIN_SECRET_BYTES, activeProblem, createKeyring, describeKid, describeNotAPath } from './keyring.js';
export { readClock, readKeyring } from './option-readers.js';
export { BUILT_KEYRING_MARKER, readBuiltKeyring, writeBuiltKeyring } from './built-keyring.js';
export type { AsymmetricJwk, JwtAlgorithm, KeyEntry, Keyring, KeyringJson, RsaPublicJwk } from './keyring.js';
export { MAX_TOKEN_BYTES, parseJwt } from './jwt.js';
export type { Claims, ParsedJwt } from './jwt.js';
export { computeSecureToken, parseSecureToken } from './secure-token.js';
export { DEFAULT_TOKEN_PARAMS, extractToken, readTokenParams, redactTokens } from './carriers.js';
export type { ExtractedRequest, TokenCarrier, TokenParams, TokenSource } from './carriers.js';
export { ipInRange, parseIpRange } from './ip.js';
export { MAX_GEO_COUNTRIES, isGeoClaim, readCountry } from './geo.js';
export type { IpRange } from './ip.js';
export type { Scheme } from './scheme.js';
export { SEAL_IV_BYTES, SEAL_KDF_INFO, SEAL_KEY_BYTES, SEAL_TAG_BYTES, isSealedToken, sealedHeader } from './seal-format.js';
export { MAX_REVOCATIONS_BYTES, parseRevocations } from './revocation-list.js';
export type { RevocationEntries, RevocationList, RevocationSource } from './revocation-list.js';
