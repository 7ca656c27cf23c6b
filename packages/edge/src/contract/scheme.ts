// The token schemes (SPEC §4 JWTs, §5 the legacy secure-token links): part of
// the contract, so the signer, the builders and every adapter name them alike.

/**
 * The token scheme a request was granted by.
 *
 * @example
 * ```ts
 * import type { Scheme } from '@urlseal/edge';
 * const scheme: Scheme = 'secure-token'; // the legacy md5 links
 * ```
 */
export type Scheme = 'jwt' | 'secure-token';
