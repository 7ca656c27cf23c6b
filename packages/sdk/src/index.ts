// Public API of @urlseal/sdk. Re-exports; no logic here.
export { UrlsealError, canonicalPath, createKeyring, matchesGrant } from '@urlseal/edge';
export type { Keyring, KeyringJson } from '@urlseal/edge';
export { KEYRING_ENV, loadKeyring } from './keyring.js';
