// IPv4/IPv6/CIDR parsing for the `ip` claim. Hand-written scanners (no regular
// expressions) so a hostile claim costs linear time and nothing is compiled
// per request. Every address is held as 16 bytes: IPv4 as its IPv4-mapped
// IPv6 form (::ffff:a.b.c.d), so `::ffff:1.2.3.4` and `1.2.3.4` are the same.

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

function parseDecimalOctet(text: string, start: number, end: number): number {
  const length = end - start;
  // No leading zeros: `010` is octal to some parsers and decimal to others.
  if (length < 1 || length > 3 || (length > 1 && text.charCodeAt(start) === 0x30)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value <= 255 ? value : -1;
}

/** Writes a dotted-quad into `out` at `offset`; false if not exactly four decimal octets. */
function parseIpv4Into(text: string, start: number, end: number, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let partStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 0x2e) continue;
    if (part > 3) return false;
    const octet = parseDecimalOctet(text, partStart, i);
    if (octet < 0) return false;
    out[offset + part++] = octet;
    partStart = i + 1;
  }
  return part === 4;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Parses RFC 4291 text (with `::` and an optional trailing dotted quad) into 16 bytes. */
function parseIpv6(text: string, start: number, end: number): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const groups: number[] = [];
  let gap = -1; // index in `groups` where `::` stands
  let i = start;
  if (text.charCodeAt(i) === 0x3a) {
    if (text.charCodeAt(i + 1) !== 0x3a) return undefined;
    gap = 0;
    i += 2;
  }
  let tailV4 = false;
  while (i < end) {
    let j = i;
    let value = 0;
    while (j < end && j - i < 5) {
      const h = hexDigit(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      j++;
    }
    if (j < end && text.charCodeAt(j) === 0x2e) {
      // Embedded IPv4 tail: takes the last two groups.
      if (groups.length > 6) return undefined;
      const v4 = new Uint8Array(4);
      if (!parseIpv4Into(text, i, end, v4, 0)) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      tailV4 = true;
      i = end;
      break;
    }
    if (j === i || j - i > 4) return undefined;
    groups.push(value);
    if (groups.length > 8) return undefined;
    i = j;
    if (i === end) break;
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i++;
    if (text.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return undefined;
      gap = groups.length;
      i++;
    } else if (i === end) {
      return undefined; // trailing single ':'
    }
  }
  if (!tailV4 && i !== end) return undefined;
  const missing = 8 - groups.length;
  if (gap < 0 ? missing !== 0 : missing < 1) return undefined;
  let g = 0;
  for (let k = 0; k < 8; k++) {
    const inGap = gap >= 0 && k >= gap && k < gap + missing;
    const value = inGap ? 0 : (groups[g++] as number);
    out[k * 2] = value >> 8;
    out[k * 2 + 1] = value & 0xff;
  }
  return out;
}

function parseAddress(text: string, end: number): { bytes: Uint8Array; v4: boolean } | undefined {
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x3a) {
      const bytes = parseIpv6(text, 0, end);
      return bytes && { bytes, v4: false };
    }
  }
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  return parseIpv4Into(text, 0, end, bytes, 12) ? { bytes, v4: true } : undefined;
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
  const end = slash < 0 ? text.length : slash;
  const address = parseAddress(text, end);
  if (address === undefined) return undefined;
  const max = address.v4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const digits = text.length - slash - 1;
    if (digits < 1 || digits > 3 || (digits > 1 && text.charCodeAt(slash + 1) === 0x30)) return undefined;
    prefix = 0;
    for (let i = slash + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return undefined;
      prefix = prefix * 10 + (c - 0x30);
    }
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
