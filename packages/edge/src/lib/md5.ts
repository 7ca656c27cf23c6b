// MD5 (RFC 1321) in plain TypeScript. It exists only because the legacy
// secure-token scheme (SPEC §5) is defined over md5 and crypto.subtle has no
// md5; it is never used as a general-purpose hash.

// Per-round left-rotation amounts (RFC 1321 §3.4).
const SHIFTS = new Uint8Array([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);

// T[i] = floor(2^32 * |sin(i + 1)|), computed once rather than pasted as a table.
const SINES = new Int32Array(64);
for (let i = 0; i < 64; i++) SINES[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;

/** Processes one 64-byte block (16 little-endian words) into the state. */
function compress(state: Int32Array, words: Int32Array): void {
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + (SINES[i] as number) + (words[g] as number)) | 0;
    const shift = SHIFTS[i] as number;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
}

/**
 * The 16-byte MD5 digest of `input` (RFC 1321).
 */
export function md5(input: Uint8Array): Uint8Array {
  const length = input.length;
  // Message + 0x80 + zero padding + 8-byte bit length, rounded up to 64 bytes.
  const padded = new Uint8Array(((length + 8) >>> 6) * 64 + 64);
  padded.set(input);
  padded[length] = 0x80;
  const bits = length * 8;
  const end = padded.length;
  padded[end - 8] = bits & 0xff;
  padded[end - 7] = (bits >>> 8) & 0xff;
  padded[end - 6] = (bits >>> 16) & 0xff;
  padded[end - 5] = (bits >>> 24) & 0xff;
  // High 32 bits of the length: inputs here are far below 512 MiB, but stay exact.
  const high = Math.floor(length / 0x20000000);
  padded[end - 4] = high & 0xff;
  padded[end - 3] = (high >>> 8) & 0xff;
  padded[end - 2] = (high >>> 16) & 0xff;
  padded[end - 1] = (high >>> 24) & 0xff;

  const state = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
  const words = new Int32Array(16);
  for (let offset = 0; offset < end; offset += 64) {
    for (let w = 0; w < 16; w++) {
      const p = offset + w * 4;
      words[w] =
        (padded[p] as number) |
        ((padded[p + 1] as number) << 8) |
        ((padded[p + 2] as number) << 16) |
        ((padded[p + 3] as number) << 24);
    }
    compress(state, words);
  }
  const out = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const v = state[w] as number;
    out[w * 4] = v & 0xff;
    out[w * 4 + 1] = (v >>> 8) & 0xff;
    out[w * 4 + 2] = (v >>> 16) & 0xff;
    out[w * 4 + 3] = (v >>> 24) & 0xff;
  }
  return out;
}
