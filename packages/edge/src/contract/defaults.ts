// Defaults the signer and the verifier share (SPEC §4), so the two can never drift.

/**
 * Longest token lifetime accepted by default, in seconds (SPEC §4: `exp − now ≤ maxTtl`).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_TTL } from '@urlseal/edge/contract';
 * DEFAULT_MAX_TTL; // 86400
 * ```
 */
export const DEFAULT_MAX_TTL = 86_400;

/**
 * Clock leeway for `exp`, `nbf` and `iat` by default, in seconds (SPEC §4).
 *
 * @example
 * ```ts
 * import { DEFAULT_LEEWAY } from '@urlseal/edge/contract';
 * const exp = 1_900_000_000;
 * const deniedFrom = exp + DEFAULT_LEEWAY; // expired when now ≥ exp + leeway
 * ```
 */
export const DEFAULT_LEEWAY = 30;
