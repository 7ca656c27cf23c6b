/**
 * HTTP status for every denial code of SPEC §7. The keys are the stable codes
 * that tests, logs and clients match on.
 *
 * @example
 * ```ts
 * import { DENIAL_STATUS } from '@urlseal/edge';
 * DENIAL_STATUS.ERR_TOKEN_EXPIRED; // 410
 * ```
 */
export const DENIAL_STATUS = Object.freeze({
  ERR_TOKEN_MISSING: 401,
  ERR_TOKEN_MALFORMED: 401,
  ERR_KID_UNKNOWN: 401,
  ERR_ALG_NOT_ALLOWED: 401,
  ERR_CLAIM_INVALID: 401,
  ERR_SIGNATURE_INVALID: 403,
  ERR_PATH_MISMATCH: 403,
  ERR_PATH_NONCANONICAL: 403,
  ERR_IP_MISMATCH: 403,
  ERR_TOKEN_EXPIRED: 410,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_KEYRING_UNAVAILABLE: 503,
} as const);

/**
 * A code a request can be denied with (SPEC §7).
 *
 * @example
 * ```ts
 * import type { DenialCode } from '@urlseal/edge';
 * const code: DenialCode = 'ERR_PATH_MISMATCH';
 * ```
 */
export type DenialCode = keyof typeof DENIAL_STATUS;

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

/**
 * Whether a value is a denial code of SPEC §7.
 *
 * @example
 * ```ts
 * import { isDenialCode } from '@urlseal/edge/contract';
 * isDenialCode('ERR_TOKEN_EXPIRED'); // true
 * ```
 */
export function isDenialCode(value: unknown): value is DenialCode {
  return typeof value === 'string' && Object.hasOwn(DENIAL_STATUS, value);
}
