import { parseIpRange } from '@urlseal/edge/contract';

/**
 * Whether a value is the shape an `ip` claim may hold (SPEC §4): an IPv4 or
 * IPv6 address, optionally with a `/prefix` in range. It asks the edge's own
 * parser, so the signer never mints a claim the verifier would refuse.
 *
 * @example
 * ```ts
 * import { isIpClaim } from '@urlseal/sdk';
 * isIpClaim('203.0.113.0/24'); // true
 * isIpClaim('2001:db8::/129'); // false
 * ```
 */
export function isIpClaim(value: unknown): value is string {
  return typeof value === 'string' && parseIpRange(value) !== undefined;
}
