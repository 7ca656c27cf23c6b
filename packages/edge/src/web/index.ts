// Public API of @urlseal/edge (Web APIs only): what docs/edge.md documents.
// Re-exports, and createVerifier bound to the crypto.subtle backend.
import { webCrypto } from '../core/crypto/web.js';
import type { VerifierOptions } from '../core/options.js';
import { createVerifierWith, type Verifier } from './verifier.js';

export { DENIAL_STATUS } from '../contract/codes.js';
export type { DenialCode } from '../contract/codes.js';
export { UrlsealError } from '../contract/errors.js';
export type { ErrorCode } from '../contract/errors.js';
export type { Claims } from '../contract/jwt.js';
export type { VerifierOptions } from '../core/options.js';
export type { SealedMode } from '../core/sealed.js';
export type { RevocationEntries, RevocationSource } from '../contract/revocation-list.js';
export type { KvLike, RevocationOptions } from '../core/revocation.js';
export { revocationKv } from '../core/revocation.js';
export type { Decision, Denial, Grant, ManifestGrant, RequestView, Scheme } from '../core/decide.js';
export type { TokenResult, Verifier, VerifyResult } from './verifier.js';
export type { VerifyOptions } from './request.js';
export { handle } from './handle.js';
export { denialResponse, originFailure } from '../core/respond.js';

/**
 * Creates a verifier (SPEC §4–7). Every option is validated once, here
 * (`TypeError` naming the option; an invalid keyring throws `UrlsealError`
 * `ERR_KEYRING_INVALID`), and every key is imported once. This build uses
 * `crypto.subtle`; on Node the `node` export condition gives the node:crypto one.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@urlseal/edge';
 * declare const env: { URLSEAL_KEYRING: string }; // a Worker binding
 * declare const request: Request;
 * const verifier = createVerifier({ keyring: env.URLSEAL_KEYRING });
 * const result = await verifier.verify(request);
 * if (result.ok) console.log(result.claims.sub, result.target);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return createVerifierWith(webCrypto, options);
}
