// IPv4/IPv6/CIDR parsing for the `ip` claim. Every address is held as 16
// bytes: IPv4 as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so
// `::ffff:1.2.3.4` and `1.2.3.4` are the same. On the JavaScript floor
// (scripts/floor.js).

/**
 * A parsed address range: 16 address bytes and a prefix length in bits (0–128).
 *
 * @example
 * ```ts
 * import { parseIpRange, type IpRange } from '@urlseal/edge/contract';
 * const range: IpRange | undefined = parseIpRange('2001:db8::/32');
 * ```
 */
export interface IpRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const MAPPED_PREFIX_BITS = 96;

// A decimal octet without leading zeros (`010` is octal to some parsers and
// decimal to others), a hex group, and a prefix length. Short anchored patterns
// on input of at most 64 characters: linear, compiled once. `(?![\s\S])` is
// the end of the input on every engine (`$` in PCRE, njs, also matches before a
// final newline, and `Number('1\n')` is 1).
const OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![\s\S])/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}(?![\s\S])/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})(?![\s\S])/;

/** Writes a dotted quad into `out` at `offset`; false if not exactly four decimal octets. */
function parseIpv4Into(text: string, out: Uint8Array, offset: number): boolean {
  const octets = text.split('.');
  if (octets.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const octet = octets[i] as string;
    if (!OCTET.test(octet)) return false;
    out[offset + i] = Number(octet);
  }
  return true;
}

/** Parses RFC 4291 text (with `::` and an optional trailing dotted quad) into 16 bytes. */
function parseIpv6(text: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  let groupsText = text;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail stands for the last two groups.
    if (!parseIpv4Into(text.slice(lastColon + 1), out, 12)) return undefined;
    groupsText = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groupsText.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : (halves[1] as string).split(':');
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = head.concat(new Array<string>(missing).fill('0'), tail);
  // The dotted tail is already in place: its two stand-in groups are not written.
  const written = groupsText === text ? 8 : 6;
  for (let i = 0; i < 8; i++) {
    const group = groups[i] as string;
    if (!HEX_GROUP.test(group)) return undefined;
    if (i >= written) continue;
    const value = parseInt(group, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  }
  return out;
}

function parseAddress(text: string): { bytes: Uint8Array; v4: boolean } | undefined {
  if (text.indexOf(':') >= 0) {
    const bytes = parseIpv6(text);
    return bytes && { bytes, v4: false };
  }
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  return parseIpv4Into(text, bytes, 12) ? { bytes, v4: true } : undefined;
}

/**
 * Parses an IPv4/IPv6 address or CIDR (`10.0.0.0/8`, `2001:db8::/32`,
 * `::ffff:192.0.2.1`). Returns `undefined` for anything malformed, including
 * zone ids, leading-zero octets and out-of-range prefixes.
 *
 * @example
 * ```ts
 * import { parseIpRange } from '@urlseal/edge/contract';
 * parseIpRange('203.0.113.0/24'); // { bytes: …, prefix: 120 }
 * parseIpRange('not-an-ip');      // undefined
 * ```
 */
export function parseIpRange(text: string): IpRange | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  const max = address.v4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!PREFIX.test(digits)) return undefined;
    prefix = Number(digits);
    if (prefix > max) return undefined;
  }
  return { bytes: address.bytes, prefix: address.v4 ? prefix + MAPPED_PREFIX_BITS : prefix };
}

/**
 * Whether a client address falls in a range. A client address that is not a
 * plain IPv4/IPv6 address (or is a CIDR) never matches.
 *
 * @example
 * ```ts
 * import { ipInRange, parseIpRange } from '@urlseal/edge/contract';
 * ipInRange('::ffff:203.0.113.9', parseIpRange('203.0.113.0/24')!); // true
 * ```
 */
export function ipInRange(clientIp: string, range: IpRange): boolean {
  if (typeof clientIp !== 'string' || clientIp.indexOf('/') >= 0) return false;
  const client = parseIpRange(clientIp);
  if (client === undefined) return false;
  const full = range.prefix >> 3;
  for (let i = 0; i < full; i++) if (client.bytes[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((client.bytes[full] as number) & mask) === ((range.bytes[full] as number) & mask);
}

/**
 * Whether a client address satisfies one token's `ip` claim.
 */
export type IpCheck = (clientIp: string | undefined) => boolean;

/** An `ip` claim as a check of the client address; `undefined` when the claim is no address or CIDR. */
export function ipClaim(claim: unknown): IpCheck | undefined {
  const range = parseIpRange(claim as string);
  return range && ((clientIp) => typeof clientIp === 'string' && ipInRange(clientIp, range));
}
