// Public API of @urlseal/sdk. Re-exports; no logic here.
export { UrlsealError, canonicalPath, createKeyring, matchesGrant } from '@urlseal/edge/contract';
export type { Keyring, KeyringJson } from '@urlseal/edge/contract';
export { KEYRING_ENV, loadKeyring } from './keyring.js';
export { createSigner } from './signer.js';
export type { Signer } from './signer.js';
export type { SignerOptions, Scheme, Transport } from './options.js';
export type { SignOptions, UrlsealClaims } from './claims.js';
export { secureToken } from './secure-token.js';
export { parseTtl } from './ttl.js';
export type { Ttl } from './ttl.js';
export { isIpClaim } from './ip.js';
export { KEYGEN_ALGS, defaultKid, generateKeyring } from './keygen.js';
export { createRenewalHandler } from './renew.js';
export type { RenewalAnswer, RenewalGrant, RenewalHandler, RenewalHandlerOptions } from './renew.js';
export { ttlFor } from './ttl-for.js';
export type { TtlForOptions } from './ttl-for.js';
export { checkManifest } from './manifest/check.js';
export type { CheckManifestOptions, ManifestCheck, ManifestFinding, ManifestKind } from './manifest/check.js';
