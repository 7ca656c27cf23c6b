// The SPEC §7 denial codes and their statuses: plain data, shared by every
// adapter, including the ones on the CloudFront Functions / njs floor.
import { hasOwn } from './lib/own.js';

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
 * Whether a value is a denial code of SPEC §7.
 *
 * @example
 * ```ts
 * import { isDenialCode } from '@urlseal/edge';
 * isDenialCode('ERR_TOKEN_EXPIRED'); // true
 * ```
 */
export function isDenialCode(value: unknown): value is DenialCode {
  return typeof value === 'string' && hasOwn(DENIAL_STATUS, value);
}
