// Strict base64url (RFC 4648 §5) without padding. Decoding refuses anything a
// lenient decoder would silently repair: padding, whitespace, a length of 4n+1
// and non-canonical trailing bits, so one token has exactly one spelling.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Pure: a bundle that only validates (no decoding) drops the table.
const LOOKUP = /* @__PURE__ */ (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

function sextet(input: string, index: number): number {
  const code = input.charCodeAt(index);
  return code < 128 ? (LOOKUP[code] as number) : -1;
}

/** Decodes strict unpadded base64url; `undefined` for anything non-canonical. */
export function decodeBase64url(input: string): Uint8Array | undefined {
  const length = input.length;
  const tail = length % 4;
  if (tail === 1) return undefined;
  const out = new Uint8Array(((length * 3) >> 2));
  let o = 0;
  let i = 0;
  for (const full = length - tail; i < full; i += 4) {
    const a = sextet(input, i);
    const b = sextet(input, i + 1);
    const c = sextet(input, i + 2);
    const d = sextet(input, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
    out[o++] = ((c & 3) << 6) | d;
  }
  if (tail === 2) {
    const a = sextet(input, i);
    const b = sextet(input, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
  } else if (tail === 3) {
    const a = sextet(input, i);
    const b = sextet(input, i + 1);
    const c = sextet(input, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** Encodes bytes as base64url without padding. */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  const length = bytes.length;
  let i = 0;
  for (const full = length - (length % 3); i < full; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

// Compiled once at load; V8's regex engine scans a character class about twice
// as fast as a charCodeAt/lookup loop (and one pattern for the whole canonical
// form twice as slow again), and this runs on every token.
// Searched for, not matched whole with ^…$: in PCRE (njs, CloudFront Functions)
// `$` also matches before a final newline.
const NOT_ALPHABET = /[^A-Za-z0-9_-]/;
// The last character of a final group of 2 or 3 characters carries 4 or 2
// unused bits, which must be zero: the characters worth a multiple of 16 or 4.
const LOW_4_BITS_ZERO = 'AQgw';
const LOW_2_BITS_ZERO = 'AEIMQUYcgkosw048';

/**
 * Whether `input` is canonical unpadded base64url: only alphabet characters, a
 * length that is not 4n+1, and zero trailing bits in the final character, so
 * `decodeBase64url` would accept it. Allocation-free (validation on hot paths
 * that decode with a faster native decoder afterwards).
 */
export function isCanonicalBase64url(input: string): boolean {
  const tail = input.length % 4;
  if (tail === 1 || NOT_ALPHABET.test(input)) return false;
  return tail === 0 || (tail === 2 ? LOW_4_BITS_ZERO : LOW_2_BITS_ZERO).indexOf(input.charAt(input.length - 1)) >= 0;
}
