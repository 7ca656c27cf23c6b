// Public API of @urlseal/sdk. Re-exports; no logic here.
export { UrlsealError, canonicalPath, createKeyring, matchesGrant } from '@urlseal/edge';
