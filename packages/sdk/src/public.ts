// The part of the public API both entry points share (index.ts for Node, web.ts for
// Web-API runtimes). Re-exports only; nothing here imports node:.
export { UrlsealError, canonicalPath, createKeyring, matchesGrant } from '@urlseal/edge/contract';
export type { Keyring, KeyringJson, Scheme, TokenParams } from '@urlseal/edge/contract';
export type { SignerOptions, Transport } from './options.js';
export type { CookieOptions, GeoRule, SameSite, SignOptions, TokenOptions, UrlsealClaims } from './claims.js';
export type { SecureTokenClaims, SignedCookie, SignedUrl } from './results.js';
export { secureToken } from './secure-token.js';
export { parseTtl } from './ttl.js';
export type { Ttl, TtlUnit } from './ttl.js';
export { isIpClaim } from './ip.js';
