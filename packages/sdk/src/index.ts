// Public API of @urlseal/sdk on Node. Re-exports; no logic here.
export * from './public.js';
export { KEYRING_ENV, loadKeyring } from './keyring.js';
export { createSigner } from './signer.js';
export type { Signer } from './signer.js';
export { KEYGEN_ALGS, defaultKid, generateKeyring } from './keygen.js';
