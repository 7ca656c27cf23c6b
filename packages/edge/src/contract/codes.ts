// The SPEC §7 denial codes and their statuses: plain data, shared by every
// adapter, including the ones on the CloudFront Functions / njs floor.
import { LIBRARY, REVOCATION } from '../lib/flags.js';
import { hasOwn } from '../lib/own.js';

// Each code as a constant: the checks name it many times, a bundle spells it once.
export const ERR_TOKEN_MISSING = 'ERR_TOKEN_MISSING';
export const ERR_TOKEN_MALFORMED = 'ERR_TOKEN_MALFORMED';
export const ERR_KID_UNKNOWN = 'ERR_KID_UNKNOWN';
export const ERR_ALG_NOT_ALLOWED = 'ERR_ALG_NOT_ALLOWED';
export const ERR_CLAIM_INVALID = 'ERR_CLAIM_INVALID';
export const ERR_SIGNATURE_INVALID = 'ERR_SIGNATURE_INVALID';
export const ERR_PATH_MISMATCH = 'ERR_PATH_MISMATCH';
export const ERR_PATH_NONCANONICAL = 'ERR_PATH_NONCANONICAL';
export const ERR_IP_MISMATCH = 'ERR_IP_MISMATCH';
export const ERR_GEO_MISMATCH = 'ERR_GEO_MISMATCH';
export const ERR_TOKEN_EXPIRED = 'ERR_TOKEN_EXPIRED';
export const ERR_METHOD_NOT_ALLOWED = 'ERR_METHOD_NOT_ALLOWED';
export const ERR_KEYRING_UNAVAILABLE = 'ERR_KEYRING_UNAVAILABLE';
export const ERR_TOKEN_REVOKED = 'ERR_TOKEN_REVOKED';
export const ERR_REVOCATION_UNAVAILABLE = 'ERR_REVOCATION_UNAVAILABLE';

const CORE_STATUS = {
  [ERR_TOKEN_MISSING]: 401,
  [ERR_TOKEN_MALFORMED]: 401,
  [ERR_KID_UNKNOWN]: 401,
  [ERR_ALG_NOT_ALLOWED]: 401,
  [ERR_CLAIM_INVALID]: 401,
  [ERR_SIGNATURE_INVALID]: 403,
  [ERR_PATH_MISMATCH]: 403,
  [ERR_PATH_NONCANONICAL]: 403,
  [ERR_IP_MISMATCH]: 403,
  [ERR_GEO_MISMATCH]: 403,
  [ERR_TOKEN_EXPIRED]: 410,
  [ERR_METHOD_NOT_ALLOWED]: 405,
  [ERR_KEYRING_UNAVAILABLE]: 503,
} as const;

type StatusTable = typeof CORE_STATUS & { readonly [ERR_TOKEN_REVOKED]: 403; readonly [ERR_REVOCATION_UNAVAILABLE]: 503 };

/** Frozen where the table reaches user code (lib/flags.ts LIBRARY); a floor bundle hands it to no one. */
function freezeForUsers<T>(table: T): Readonly<T> {
  return LIBRARY ? Object.freeze(table) : table;
}

/**
 * HTTP status for every denial code of SPEC §7 and of its v1.2 additions
 * (`ERR_TOKEN_REVOKED`, `ERR_REVOCATION_UNAVAILABLE`). The keys are the stable
 * codes that tests, logs and clients match on. (The floor bundles that
 * consult no revocation source leave the revocation codes out: lib/flags.ts.)
 *
 * @example
 * ```ts
 * import { DENIAL_STATUS } from '@urlseal/edge';
 * DENIAL_STATUS.ERR_TOKEN_EXPIRED; // 410
 * ```
 */
export const DENIAL_STATUS: Readonly<StatusTable> = freezeForUsers(
  (REVOCATION ? Object.assign({}, CORE_STATUS, { [ERR_TOKEN_REVOKED]: 403, [ERR_REVOCATION_UNAVAILABLE]: 503 }) : CORE_STATUS) as StatusTable,
);

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
 * import { isDenialCode } from '@urlseal/edge/contract';
 * isDenialCode('ERR_TOKEN_EXPIRED'); // true
 * ```
 */
export function isDenialCode(value: unknown): value is DenialCode {
  return typeof value === 'string' && hasOwn(DENIAL_STATUS, value);
}
