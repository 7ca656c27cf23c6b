// Hand-rolled token minting for the hostile-input suite. Nothing here imports the
// SDK signer or the edge verifier: a signer bug must not hide a verifier bug, so
// every token is built from node:crypto primitives and Buffer base64url.
import {
  constants as cryptoConstants,
  createCipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The injected clock: every verifier and server in the suite sees this instant. */
export const NOW = 1_900_000_000;
export const NOW_DATE = new Date(NOW * 1000);
/** SPEC §4 defaults the suite relies on (the verifier is created without overriding them). */
export const LEEWAY = 30;
export const MAX_TTL = 86_400;
/** The client address seen by `handle` (passed as clientIp) and by the server (socket peer). */
export const CLIENT_IP = '127.0.0.1';

export const b64u = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

// ---------------------------------------------------------------------------
// Key material
// ---------------------------------------------------------------------------

export const K1_SECRET = 'k1-hostile-suite-secret-0123456789abcdef'; // kids: HS256, UTF-8 bytes
export const H384_SECRET = Buffer.from('h384-hostile-suite-secret-bytes-0123456789abcdefghij', 'utf8');
export const H512_SECRET = Buffer.from('h512-hostile-suite-secret-bytes-0123456789abcdefghijklmnopqrstuv', 'utf8');
export const WRONG_SECRET = 'an-attacker-guess-at-the-secret-0123456789';
export const ST_SECRET = 'secure-token-current-secret-0123456789ab';
export const ST_OLD_SECRET = 'secure-token-previous-secret-0123456789ab';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const attackerEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attackerEd = generateKeyPairSync('ed25519');

type Jwk = Record<string, string>;
const ecJwk = ec.publicKey.export({ format: 'jwk' }) as Jwk;
const edJwk = ed.publicKey.export({ format: 'jwk' }) as Jwk;
export const ATTACKER_EC_JWK = attackerEc.publicKey.export({ format: 'jwk' }) as Jwk;

/** Public JWKs the edge holds (verify only: no `d`). */
export const P1_PUBLIC_JWK = { kty: 'EC', crv: 'P-256', kid: 'p1', x: ecJwk.x!, y: ecJwk.y! };
export const E1_PUBLIC_JWK = { kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: edJwk.x! };

// RS256/PS256 (issue 19): one fixed, obviously-fake 2048-bit key pair committed as a fixture
// (fixtures/rsa-2048-fake-test-key.json), so every RSA token is the same on every run.
const RSA_FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/rsa-2048-fake-test-key.json', import.meta.url), 'utf8')) as { private: Jwk };
const rsaPrivate = createPrivateKey({ key: RSA_FIXTURE.private, format: 'jwk' });
const RSA_N = RSA_FIXTURE.private.n!;
const RSA_E = RSA_FIXTURE.private.e!;
// The hand-made PSS below assumes a modulus of exactly 2048 bits (emLen 256, one leftmost bit cleared).
if (Buffer.from(RSA_N, 'base64url').length !== 256 || Buffer.from(RSA_N, 'base64url')[0]! < 0x80) throw new Error('the RSA fixture is not a 2048-bit key');
/** The RSA public key as the edge holds it: kid r1 RS256, r2 PS256, r0 without `alg` (RS256 by default). One modulus for all three. */
export const R1_PUBLIC_JWK = { kty: 'RSA', kid: 'r1', alg: 'RS256', n: RSA_N, e: RSA_E };
export const R2_PUBLIC_JWK = { kty: 'RSA', kid: 'r2', alg: 'PS256', n: RSA_N, e: RSA_E };
export const R0_PUBLIC_JWK = { kty: 'RSA', kid: 'r0', n: RSA_N, e: RSA_E };
const rsaPublic = createPublicKey(rsaPrivate);
/** The RSA public key in the forms an alg-confusion attacker tries as an HMAC secret (SPEC §9 "RSA": PEM, DER, `n`, the JWK text). */
export const RSA_PUBLIC_FORMS: Record<'spkiPem' | 'pkcs1Pem' | 'spkiDer' | 'jwkText' | 'nText' | 'nBytes', Buffer> = {
  spkiPem: Buffer.from(rsaPublic.export({ type: 'spki', format: 'pem' })),
  pkcs1Pem: Buffer.from(rsaPublic.export({ type: 'pkcs1', format: 'pem' })),
  spkiDer: Buffer.from(rsaPublic.export({ type: 'spki', format: 'der' })),
  jwkText: Buffer.from(JSON.stringify(R1_PUBLIC_JWK), 'utf8'),
  nText: Buffer.from(RSA_N, 'ascii'),
  nBytes: Buffer.from(RSA_N, 'base64url'),
};

/** The keyring JSON under test (SPEC §3): kids + oct/EC/OKP/RSA keys + two secure-token secrets. */
export const KEYRING_JSON = {
  active: 'k1',
  kids: { k1: K1_SECRET },
  keys: [
    { kty: 'oct', kid: 'h384', k: b64u(H384_SECRET), alg: 'HS384' },
    { kty: 'oct', kid: 'h512', k: b64u(H512_SECRET), alg: 'HS512' },
    P1_PUBLIC_JWK,
    E1_PUBLIC_JWK,
    R1_PUBLIC_JWK,
    R2_PUBLIC_JWK,
    R0_PUBLIC_JWK,
  ],
  secureToken: [ST_SECRET, ST_OLD_SECRET],
};

// ---------------------------------------------------------------------------
// JWS signing by hand
// ---------------------------------------------------------------------------

export type SignerName =
  | 'k1' // HS256 with the kids secret
  | 'h384' // HS384 with the oct key
  | 'h512' // HS512 with the oct key
  | 'p1' // ES256, raw r||s (JWS form)
  | 'p1-der' // ES256 but DER-encoded (not valid JWS)
  | 'e1' // EdDSA
  | 'wrong' // HS256 with a secret the edge does not hold
  | 'k1-sha256-with-h384' // HS256 computed with the HS384 key's bytes
  | 'k1-sha384-with-k1' // HS384 computed with the k1 secret
  | 'p1-jwk-json' // HS256 keyed with the EC public JWK's JSON text (key confusion)
  | 'p1-x-bytes' // HS256 keyed with the EC public x coordinate bytes
  | 'e1-x-bytes' // HS256 keyed with the Ed25519 public key bytes
  | 'attacker-ec' // ES256 with a key the edge does not hold
  | 'attacker-ed' // EdDSA with a key the edge does not hold
  | 'r1' // RS256: RSASSA-PKCS1-v1_5 with SHA-256, the fixture key
  | 'r2' // PS256: RSASSA-PSS, SHA-256, MGF1-SHA-256, a fixed 32-byte salt (deterministic)
  | 'rsa-pss-salt20' // PSS as r2 but a 20-byte salt (SPEC §9: other salt lengths are invalid)
  | 'rsa-pss-salt0' // PSS as r2 but no salt
  | 'rsa-pss-sha1-mgf' // PSS over SHA-256 but MGF1 with SHA-1
  | 'rsa-pkcs1-sha384' // PKCS#1 v1.5 with SHA-384's DigestInfo
  | 'rsa-spki-pem' // HS256 keyed with the RSA public key's SPKI PEM text (alg confusion)
  | 'rsa-pkcs1-pem' // HS256 keyed with its PKCS#1 PEM text
  | 'rsa-spki-der' // HS256 keyed with its SPKI DER bytes
  | 'rsa-jwk-json' // HS256 keyed with its JWK JSON text
  | 'rsa-n-text' // HS256 keyed with `n` as base64url text
  | 'rsa-n-bytes' // HS256 keyed with the modulus bytes
  | 'none'; // empty signature

/** The public-key form each alg-confusion signer uses as its HMAC secret. */
const RSA_CONFUSION_KEY = {
  'rsa-spki-pem': 'spkiPem',
  'rsa-pkcs1-pem': 'pkcs1Pem',
  'rsa-spki-der': 'spkiDer',
  'rsa-jwk-json': 'jwkText',
  'rsa-n-text': 'nText',
  'rsa-n-bytes': 'nBytes',
} as const satisfies Partial<Record<SignerName, keyof typeof RSA_PUBLIC_FORMS>>;

function hmac(alg: 'sha256' | 'sha384' | 'sha512', key: Uint8Array | string, input: string): Buffer {
  return createHmac(alg, key).update(input, 'ascii').digest();
}

/** MGF1 (RFC 8017 B.2.1) with the given hash. */
function mgf1(hash: 'sha1' | 'sha256', seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * (hash === 'sha1' ? 20 : 32) < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RSASSA-PSS by hand (RFC 8017 §9.1.1 EMSA-PSS-encode, then the raw RSA private operation),
 * with a fixed salt so a PS256 token is the same on every run (node:crypto draws a random one).
 */
function rsaPss(input: string, saltLength: number, mgfHash: 'sha1' | 'sha256' = 'sha256'): Buffer {
  const emLen = Buffer.from(RSA_N, 'base64url').length; // modulus of 2048 bits: emBits 2047, emLen 256
  const mHash = createHash('sha256').update(input, 'ascii').digest();
  const salt = Buffer.alloc(saltLength, 0x5a);
  const h = createHash('sha256').update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - saltLength - 32 - 2), Buffer.from([1]), salt]);
  const mask = mgf1(mgfHash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0x7f; // 8·emLen − emBits = 1 leftmost bit cleared
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  return privateDecrypt({ key: rsaPrivate, padding: cryptoConstants.RSA_NO_PADDING }, em);
}

/** RSASSA-PKCS1-v1_5 with SHA-384's DigestInfo, under the same key (what an RS384 signature is). */
function rsaPkcs1Sha384(input: string): Buffer {
  return cryptoSign('sha384', Buffer.from(input, 'ascii'), rsaPrivate);
}

function ecdsa(key: KeyObject, input: string, encoding: 'ieee-p1363' | 'der'): Buffer {
  return cryptoSign('sha256', Buffer.from(input, 'ascii'), { key, dsaEncoding: encoding });
}

export function signWith(name: SignerName, input: string): Buffer {
  switch (name) {
    case 'k1':
      return hmac('sha256', K1_SECRET, input);
    case 'h384':
      return hmac('sha384', H384_SECRET, input);
    case 'h512':
      return hmac('sha512', H512_SECRET, input);
    case 'p1':
      return ecdsa(ec.privateKey, input, 'ieee-p1363');
    case 'p1-der':
      return ecdsa(ec.privateKey, input, 'der');
    case 'e1':
      return cryptoSign(null, Buffer.from(input, 'ascii'), ed.privateKey);
    case 'wrong':
      return hmac('sha256', WRONG_SECRET, input);
    case 'k1-sha256-with-h384':
      return hmac('sha256', H384_SECRET, input);
    case 'k1-sha384-with-k1':
      return hmac('sha384', K1_SECRET, input);
    case 'p1-jwk-json':
      return hmac('sha256', JSON.stringify(P1_PUBLIC_JWK), input);
    case 'p1-x-bytes':
      return hmac('sha256', Buffer.from(P1_PUBLIC_JWK.x, 'base64url'), input);
    case 'e1-x-bytes':
      return hmac('sha256', Buffer.from(E1_PUBLIC_JWK.x, 'base64url'), input);
    case 'attacker-ec':
      return ecdsa(attackerEc.privateKey, input, 'ieee-p1363');
    case 'attacker-ed':
      return cryptoSign(null, Buffer.from(input, 'ascii'), attackerEd.privateKey);
    case 'r1':
      return cryptoSign('sha256', Buffer.from(input, 'ascii'), rsaPrivate);
    case 'r2':
      return rsaPss(input, 32);
    case 'rsa-pss-salt20':
      return rsaPss(input, 20);
    case 'rsa-pss-salt0':
      return rsaPss(input, 0);
    case 'rsa-pss-sha1-mgf':
      return rsaPss(input, 32, 'sha1');
    case 'rsa-pkcs1-sha384':
      return rsaPkcs1Sha384(input);
    case 'rsa-spki-pem':
    case 'rsa-pkcs1-pem':
    case 'rsa-spki-der':
    case 'rsa-jwk-json':
    case 'rsa-n-text':
    case 'rsa-n-bytes':
      return hmac('sha256', RSA_PUBLIC_FORMS[RSA_CONFUSION_KEY[name]], input);
    case 'none':
      return Buffer.alloc(0);
  }
}

/** Whether node:crypto's own PSS verify (salt 32, MGF1-SHA-256) accepts a signature: proves the hand-rolled PSS right. */
export function nodeVerifiesPs256(input: string, signature: Uint8Array): boolean {
  return cryptoVerify('sha256', Buffer.from(input, 'ascii'), { key: rsaPublic, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
}

/** The RSA modulus as bytes (a signature must be exactly this long, SPEC §9). */
export const RSA_MODULUS = Buffer.from(RSA_N, 'base64url');

const KID_SIGNER: Record<string, { alg: string; signer: SignerName }> = {
  k1: { alg: 'HS256', signer: 'k1' },
  h384: { alg: 'HS384', signer: 'h384' },
  h512: { alg: 'HS512', signer: 'h512' },
  p1: { alg: 'ES256', signer: 'p1' },
  e1: { alg: 'EdDSA', signer: 'e1' },
  r1: { alg: 'RS256', signer: 'r1' },
  r2: { alg: 'PS256', signer: 'r2' },
  r0: { alg: 'RS256', signer: 'r1' },
};

/** Default claims: a five-minute grant for one file, issued now. */
export function defaultClaims(): Record<string, unknown> {
  return { exp: NOW + 300, iat: NOW, path: '/videos/a.mp4' };
}

export interface JwtOptions {
  /** Key id; picks the header alg and the signer unless they are given. Default k1. */
  kid?: string;
  /** Header members merged over `{alg, kid, typ}`; a value of `undefined` deletes the member. */
  header?: Record<string, unknown>;
  /** Exact header JSON text (overrides `header`/`kid`). */
  headerText?: string;
  /** Claims merged over the defaults; `undefined` deletes the claim. */
  claims?: Record<string, unknown>;
  /** Exact claims bytes or text (overrides `claims`). */
  claimsText?: string | Uint8Array;
  signer?: SignerName;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  if (over) {
    for (const key of Object.keys(over)) {
      if (over[key] === undefined) delete out[key];
      else out[key] = over[key];
    }
  }
  return out;
}

/** The three segments of a compact JWS, minted by hand. */
export function mintParts(o: JwtOptions = {}): { header: string; payload: string; signature: string } {
  const kid = o.kid ?? 'k1';
  const known = KID_SIGNER[kid];
  const headerText =
    o.headerText ?? JSON.stringify(merge({ alg: known?.alg ?? 'HS256', kid, typ: 'JWT' }, o.header));
  const claimsBytes =
    o.claimsText !== undefined
      ? Buffer.from(o.claimsText as string | Uint8Array)
      : Buffer.from(JSON.stringify(merge(defaultClaims(), o.claims)), 'utf8');
  const header = b64u(Buffer.from(headerText, 'utf8'));
  const payload = b64u(claimsBytes);
  const signer = o.signer ?? known?.signer ?? 'k1';
  return { header, payload, signature: b64u(signWith(signer, `${header}.${payload}`)) };
}

export function mintJwt(o: JwtOptions = {}): string {
  const p = mintParts(o);
  return `${p.header}.${p.payload}.${p.signature}`;
}

/**
 * A validly signed HS256 (k1) token of exactly `length` bytes, padded through
 * the `sub` claim (and the header's optional `typ` when the length needs it).
 */
export function mintJwtOfLength(length: number, claims: Record<string, unknown> = {}): string {
  for (let spaces = 0; spaces < 8; spaces++) {
    const headerText = `{"alg":"HS256",${' '.repeat(spaces)}"kid":"k1","typ":"JWT"}`;
    for (let n = 0; n < length; n++) {
      const token = mintJwt({ headerText, claims: { ...claims, sub: 'x'.repeat(n) } });
      if (token.length === length) return token;
      if (token.length > length) break;
    }
  }
  throw new Error(`cannot mint a token of exactly ${length} bytes`);
}

// ---------------------------------------------------------------------------
// Sealed tokens (issue 17: compact JWE, dir + A256GCM), by hand
// ---------------------------------------------------------------------------

/** k1's content key: HKDF-SHA256(k1's secret, empty salt, "urlseal seal A256GCM", 32), as docs/spec.md §9 spells it. */
export const K1_SEAL_KEY = Buffer.from(hkdfSync('sha256', Buffer.from(K1_SECRET, 'utf8'), Buffer.alloc(0), Buffer.from('urlseal seal A256GCM'), 32));

export interface SealedOptions {
  /** Key id in the default header `{"alg":"dir","enc":"A256GCM","kid"}`. Default k1. */
  kid?: string;
  /** Exact header JSON text (overrides `kid`). */
  headerText?: string;
  /** Claims merged over the defaults; `undefined` deletes the claim. */
  claims?: Record<string, unknown>;
  /** Exact plaintext (overrides `claims`). */
  plaintext?: string;
  /** The AES-256-GCM key. Default k1's content key. */
  key?: Uint8Array;
  /** The IV. Default 12 random bytes. */
  iv?: Buffer;
}

/** The five segments of a sealed token, minted by hand with node:crypto. */
export function mintSealedParts(o: SealedOptions = {}): string[] {
  const headerText = o.headerText ?? JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: o.kid ?? 'k1' });
  const header = b64u(Buffer.from(headerText, 'utf8'));
  const iv = o.iv ?? randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', o.key ?? K1_SEAL_KEY, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const plaintext = o.plaintext ?? JSON.stringify(merge(defaultClaims(), o.claims));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [header, '', b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())];
}

export function mintSealed(o: SealedOptions = {}): string {
  return mintSealedParts(o).join('.');
}

// ---------------------------------------------------------------------------
// Secure token (SPEC §5)
// ---------------------------------------------------------------------------

export function secureToken(secret: string, path: string, e: string | number): string {
  return b64u(createHash('md5').update(Buffer.from(secret + path + String(e), 'utf8')).digest());
}

// ---------------------------------------------------------------------------
// MD5 with an injectable state, for a real length-extension forgery
// ---------------------------------------------------------------------------

const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

function md5Block(state: Uint32Array, block: Uint8Array): void {
  const m = new Uint32Array(16);
  for (let i = 0; i < 16; i++) {
    m[i] = block[i * 4]! | (block[i * 4 + 1]! << 8) | (block[i * 4 + 2]! << 16) | (block[i * 4 + 3]! << 24);
  }
  let [a, b, c, d] = [state[0]!, state[1]!, state[2]!, state[3]!];
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    const shift = MD5_S[(i >> 4) * 4 + (i % 4)]!;
    const sum = (a + f + MD5_K[i]! + m[g]!) >>> 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
  }
  state[0] = (state[0]! + a) >>> 0;
  state[1] = (state[1]! + b) >>> 0;
  state[2] = (state[2]! + c) >>> 0;
  state[3] = (state[3]! + d) >>> 0;
}

/** MD5's padding for a message of `length` bytes. */
export function md5Padding(length: number): Buffer {
  const zeros = (55 - (length % 64) + 64) % 64;
  const pad = Buffer.alloc(1 + zeros + 8);
  pad[0] = 0x80;
  pad.writeUInt32LE((length * 8) >>> 0, 1 + zeros);
  pad.writeUInt32LE(Math.floor((length * 8) / 2 ** 32), 1 + zeros + 4);
  return pad;
}

/**
 * Given md5(secret ‖ message) and the secret's length, returns the glue padding
 * and md5(secret ‖ message ‖ glue ‖ suffix) without knowing the secret.
 */
export function md5LengthExtend(
  digest: Uint8Array,
  secretAndMessageLength: number,
  suffix: Uint8Array,
): { glue: Buffer; digest: Buffer } {
  const glue = md5Padding(secretAndMessageLength);
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = Buffer.from(digest).readUInt32LE(i * 4);
  const processed = secretAndMessageLength + glue.length;
  const tail = Buffer.concat([Buffer.from(suffix), md5Padding(processed + suffix.length)]);
  for (let off = 0; off < tail.length; off += 64) md5Block(state, tail.subarray(off, off + 64));
  const out = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) out.writeUInt32LE(state[i]!, i * 4);
  return { glue, digest: out };
}

/** Percent-encodes every byte outside unreserved ASCII (so raw bytes travel as %XX). */
export function pctEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~/]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// An independent canonical-path oracle (SPEC §2), for the property tests
// ---------------------------------------------------------------------------

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a raw path exactly once per SPEC §2; undefined when not canonical. */
export function oracleCanonical(raw: string): string | undefined {
  if (!raw.startsWith('/')) return undefined;
  if (/%(2f|5c|25)/i.test(raw)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f) {
      return undefined;
    } else {
      bytes.push(c);
    }
  }
  let decoded: string;
  try {
    decoded = utf8Fatal.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f;\\%]/.test(decoded)) return undefined;
  const segments = decoded.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === '.' || s === '..') return undefined;
    if (s === '' && !(i === segments.length - 1 && i > 0)) {
      // an empty segment is allowed only as the single trailing '/' (or the root "/")
      if (!(segments.length === 1)) return undefined;
    }
  }
  return decoded;
}
