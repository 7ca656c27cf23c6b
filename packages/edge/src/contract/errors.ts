// The one error class of urlseal. The denial codes themselves live in codes.ts
// (plain data, usable where classes are not: the CloudFront Functions floor).
import type { DenialCode } from './codes.js';

export { DENIAL_STATUS, isDenialCode, type DenialCode } from './codes.js';

/**
 * Every stable error code: the denial codes plus `ERR_KEYRING_INVALID` for a
 * keyring that fails validation.
 *
 * @example
 * ```ts
 * import type { ErrorCode } from '@urlseal/edge';
 * const code: ErrorCode = 'ERR_KEYRING_INVALID';
 * ```
 */
export type ErrorCode = DenialCode | 'ERR_KEYRING_INVALID';

/**
 * The one error class of urlseal. Match on `code`, never on `message`: the
 * message is for people and never holds a token, secret or claim value.
 *
 * @example
 * ```ts
 * import { UrlsealError, canonicalPath } from '@urlseal/edge/contract';
 * try {
 *   canonicalPath('/a/%2e%2e/b');
 * } catch (err) {
 *   if (err instanceof UrlsealError) console.log(err.code); // ERR_PATH_NONCANONICAL
 * }
 * ```
 */
export class UrlsealError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string = code) {
    super(message);
    this.name = 'UrlsealError';
    this.code = code;
  }
}
