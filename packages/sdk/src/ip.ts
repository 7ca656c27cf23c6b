import { isIP } from 'node:net';

/**
 * Whether a value is the shape an `ip` claim may hold (SPEC §4): an IPv4 or
 * IPv6 address, optionally with a `/prefix` in range. Zone ids (`%eth0`) are
 * refused: they mean nothing off the host that wrote them.
 *
 * @example
 * ```ts
 * import { isIpClaim } from '@urlseal/sdk';
 * isIpClaim('203.0.113.0/24'); // true
 * isIpClaim('2001:db8::/129'); // false
 * ```
 */
export function isIpClaim(value: unknown): value is string {
  if (typeof value !== 'string' || value.includes('%')) return false;
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash < 0) return true;
  const prefix = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
