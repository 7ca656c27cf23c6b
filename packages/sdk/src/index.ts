// Public API of @urlseal/sdk on Node. Re-exports; no logic here.
export * from './public.js';
export { KEYRING_ENV, loadKeyring } from './keyring.js';
export { createSigner } from './signer.js';
export type { Signer } from './signer.js';
export { KEYGEN_ALGS, defaultKid, generateKeyring } from './keygen.js';
export { createRenewalHandler } from './renew.js';
export type { RenewalAnswer, RenewalGrant, RenewalHandler, RenewalHandlerOptions } from './renew.js';
export { ttlFor } from './ttl-for.js';
export type { TtlForOptions } from './ttl-for.js';
export { checkManifest } from './manifest/check.js';
export type { CheckManifestOptions, ManifestCheck, ManifestFinding, ManifestKind } from './manifest/check.js';
export { listRevocations, revokeSession, revokeUser } from './revoke.js';
export type { RevocationsJson, RevokeOptions } from './revoke.js';
