// Public-key validation at keyring load (issue 20 item 5, docs/spec.md §9
// "Degenerate keys"). A crypto library may import a key that cannot be trusted:
// an Ed25519 key of small order verifies a signature made without any private
// key (R = identity, S = 0). Each check answers the problem as a short phrase,
// or `undefined` for a sound key; it never repeats key material. Pure JS
// (BigInt), run once per key; never on the CloudFront/njs floor (those builds
// validate their keyring in Node at build time).
import { decodeBase64url } from '../lib/base64url.js';

function toBigInt(bytes: Uint8Array, littleEndian: boolean): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[littleEndian ? bytes.length - 1 - i : i] as number;
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

/** Big-endian unsigned integer of `bytes`. */
export function bigEndian(bytes: Uint8Array): bigint {
  return toBigInt(bytes, false);
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

// Ed25519 (RFC 8032 §5.1): -x² + y² = 1 + d·x²·y² over p = 2^255 - 19.
const ED_P = 2n ** 255n - 19n;
const ED_D = mod(-121665n * power(121666n, ED_P - 2n, ED_P), ED_P);
const ED_SQRT_M1 = power(2n, (ED_P - 1n) / 4n, ED_P);

/** Projective doubling on -x² + y² = 1 + d·x²·y² (dbl-2008-bbjlp, a = -1): no inversion. */
function edDouble(X: bigint, Y: bigint, Z: bigint): [bigint, bigint, bigint] {
  const B = mod((X + Y) * (X + Y), ED_P);
  const C = (X * X) % ED_P;
  const D = (Y * Y) % ED_P;
  const E = ED_P - C;
  const F = (E + D) % ED_P;
  const J = mod(F - 2n * ((Z * Z) % ED_P), ED_P);
  return [mod((B - C - D) * J, ED_P), mod(F * (E - D), ED_P), (F * J) % ED_P];
}

/**
 * Why a 32-byte Ed25519 public key (`x` of an OKP JWK) is unusable, or
 * `undefined`: a non-canonical encoding (y ≥ p, or x = 0 with its sign bit
 * set), no point on the curve, or a point of small order (8·A is the
 * identity: the 8 torsion points, the identity among them).
 */
export function ed25519KeyProblem(encoded: Uint8Array): string | undefined {
  if (encoded.length !== 32) return 'is not 32 bytes';
  const sign = (encoded[31] as number) >> 7;
  const y = toBigInt(encoded, true) & (2n ** 255n - 1n);
  if (y >= ED_P) return 'is a non-canonical encoding (y is not below 2^255 - 19)';
  const y2 = (y * y) % ED_P;
  const u = mod(y2 - 1n, ED_P);
  const v = mod(ED_D * y2 + 1n, ED_P);
  // x = sqrt(u/v) with one exponentiation (RFC 8032 §5.1.3).
  const v3 = (v * v * v) % ED_P;
  let x = (u * v3 * power(u * v3 * v3 * v, (ED_P - 5n) / 8n, ED_P)) % ED_P;
  const vx2 = (v * x * x) % ED_P;
  if (vx2 !== u) {
    if (vx2 !== mod(-u, ED_P)) return 'is not a point on the Ed25519 curve';
    x = (x * ED_SQRT_M1) % ED_P;
  }
  if (x === 0n && sign === 1) return 'is a non-canonical encoding (x = 0 with the sign bit set)';
  let point: [bigint, bigint, bigint] = [x, y, 1n];
  for (let i = 0; i < 3; i++) point = edDouble(point[0], point[1], point[2]);
  if (point[0] === 0n && point[1] === point[2]) return 'is a point of small order (it would verify forged signatures)';
  return undefined;
}

// P-256 (SEC 2 / FIPS 186-4): y² = x³ - 3x + b over p. The cofactor is 1, so a
// point on the curve is in the prime-order group; the point at infinity has no
// affine (x, y) and is never on the curve.
const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** Why a P-256 public key (its 32-byte big-endian `x` and `y`) is unusable, or `undefined`. */
export function p256KeyProblem(xBytes: Uint8Array, yBytes: Uint8Array): string | undefined {
  const x = toBigInt(xBytes, false);
  const y = toBigInt(yBytes, false);
  if (x >= P256_P || y >= P256_P) return 'is not a canonical P-256 coordinate (not below p)';
  if (mod(y * y - (x * x * x - 3n * x + P256_B), P256_P) !== 0n) return 'is not a point on the P-256 curve';
  return undefined;
}

/** Key entries whose public key was checked when their keyring was made. */
export const CHECKED_ENTRIES: WeakSet<object> = new WeakSet();

/** Why an EC/OKP public JWK (already of the right shape) is unusable, or `undefined`. */
export function publicJwkProblem(jwk: { readonly kty: string; readonly x: string; readonly y?: string | undefined }): string | undefined {
  const x = decodeBase64url(jwk.x);
  if (x === undefined) return 'is not base64url';
  if (jwk.kty === 'OKP') return ed25519KeyProblem(x);
  const y = decodeBase64url(jwk.y ?? '');
  if (y === undefined || x.length !== 32 || y.length !== 32) return 'is not two 32-byte coordinates';
  return p256KeyProblem(x, y);
}

/**
 * The parts of a keyring's KeyEntry these checks read (keyring.ts imports this
 * module, so the type is restated by shape, not imported: no import cycle).
 */
interface UncheckedEntry {
  readonly jwk?: Parameters<typeof publicJwkProblem>[0] | undefined;
  readonly rsa?: Parameters<typeof rsaJwkProblem>[0] | undefined;
}

/**
 * Why a key entry's public key is unusable, or `undefined`, for an entry that
 * createKeyring did not check (a Keyring built by hand, a built keyring): an
 * EC/OKP or RSA key checked as createKeyring checks it. HMAC entries, and
 * entries createKeyring made, have nothing left to check.
 */
export function uncheckedKeyProblem(entry: UncheckedEntry): string | undefined {
  if (CHECKED_ENTRIES.has(entry)) return undefined;
  return entry.jwk !== undefined ? publicJwkProblem(entry.jwk) : entry.rsa !== undefined ? rsaJwkProblem(entry.rsa) : undefined;
}

/** Smallest and largest RSA modulus accepted, in bits (docs/spec.md §9 "RSA keys"). */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

/**
 * Why an RSA public key (its `n` and `e` bytes, big-endian) is unusable, or
 * `undefined`: minimal encodings, a modulus of 2048 to 8192 bits that is odd,
 * an exponent that is odd, at least 3 and at most 32 bits (65537 in practice).
 */
export function rsaKeyProblem(n: Uint8Array, e: Uint8Array): string | undefined {
  if (n.length === 0 || n[0] === 0) return 'has a modulus n that is empty or has a leading zero byte';
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0] as number));
  if (bits < RSA_MIN_BITS) return `has a ${bits}-bit modulus; RSA keys need at least ${RSA_MIN_BITS} bits`;
  if (bits > RSA_MAX_BITS) return `has a modulus over ${RSA_MAX_BITS} bits`;
  if (((n[n.length - 1] as number) & 1) === 0) return 'has an even modulus';
  if (e.length === 0 || e[0] === 0 || e.length > 4) return 'has an exponent e that is empty, not minimally encoded or over 32 bits';
  const exponent = bigEndian(e);
  if (exponent < 3n || (exponent & 1n) === 0n) return 'has an exponent that is not odd and at least 3';
  return undefined;
}

/** {@link rsaKeyProblem} for a JWK's base64url `n` and `e`. */
export function rsaJwkProblem(jwk: { readonly n: string; readonly e: string }): string | undefined {
  const n = decodeBase64url(jwk.n);
  const e = decodeBase64url(jwk.e);
  return n === undefined || e === undefined ? 'has n or e that is not unpadded base64url' : rsaKeyProblem(n, e);
}
