import { UrlsealError } from './errors.js';
import { CHECKED_ENTRIES, publicJwkProblem, rsaJwkProblem } from './key-checks.js';
import { decodeBase64url } from '../lib/base64url.js';
import { hasOwn, isPlainObject } from '../lib/own.js';
import { scanJson } from '../lib/json-scan.js';
import { encodeUtf8 } from '../lib/utf8.js';

/**
 * JWS algorithms a keyring can hold; each key has exactly one (SPEC §3).
 *
 * @example
 * ```ts
 * import type { JwtAlgorithm } from '@urlseal/edge/contract';
 * const alg: JwtAlgorithm = 'EdDSA';
 * ```
 */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'ES256' | 'EdDSA' | 'RS256' | 'PS256';

/**
 * The public (and, for signing keys, private) JWK members of an asymmetric key.
 *
 * @example
 * ```ts
 * import { createKeyring, type AsymmetricJwk } from '@urlseal/edge/contract';
 * const jwk: AsymmetricJwk | undefined = createKeyring(process.env.URLSEAL_KEYRING!).keys.get('e1')?.jwk; // { kty: 'OKP', crv: 'Ed25519', x }
 * ```
 */
export interface AsymmetricJwk {
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  readonly x: string;
  readonly y?: string;
  readonly d?: string;
}

/**
 * The public members of an RSA key (verify-only: an edge never signs with RSA).
 *
 * @example
 * ```ts
 * import { createKeyring, type RsaPublicJwk } from '@urlseal/edge/contract';
 * declare const jwks: string; // an identity provider's JWK Set
 * const rsa: RsaPublicJwk | undefined = createKeyring(jwks).keys.get('idp-1')?.rsa; // { kty: 'RSA', n, e }
 * ```
 */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/**
 * One key of a keyring. HMAC keys carry `secret`; EC/OKP keys carry `jwk`
 * (with `d` only when the key can sign); RSA keys carry `rsa` and only verify.
 * The algorithm is fixed here, never by a token header.
 *
 * @example
 * ```ts
 * import { createKeyring, type KeyEntry } from '@urlseal/edge/contract';
 * const entry: KeyEntry | undefined = createKeyring(process.env.URLSEAL_KEYRING!).keys.get('2026-11');
 * if (entry?.canSign) console.log(entry.alg); // 'HS256'
 * ```
 */
export interface KeyEntry {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly secret?: Uint8Array;
  readonly jwk?: AsymmetricJwk;
  readonly rsa?: RsaPublicJwk;
  readonly canSign: boolean;
}

/**
 * A validated, immutable keyring (SPEC §3). Keys live in a `Map`, so a kid such
 * as `constructor` or `__proto__` resolves to nothing unless it was defined.
 *
 * @example
 * ```ts
 * import { createKeyring, type Keyring } from '@urlseal/edge/contract';
 * const keyring: Keyring = createKeyring(process.env.URLSEAL_KEYRING!);
 * keyring.keys.get('constructor'); // undefined unless a key has that kid
 * ```
 */
export interface Keyring {
  /** Every JWT key by kid (from `kids` and `keys`). */
  readonly keys: ReadonlyMap<string, KeyEntry>;
  /** The JWT key that signs, if the keyring has one. */
  readonly active: KeyEntry | undefined;
  /**
   * The kid the `active` member names, held or not. An edge verifies with the
   * kids it holds whatever `active` says; only a signer refuses a keyring whose
   * `active` names no signing key it holds (SPEC v1.2, "`active` at the edge").
   */
  readonly activeKid?: string | undefined;
  /** Legacy secure-token secrets as UTF-8 bytes; the first signs, all verify. */
  readonly secureToken: readonly Uint8Array[];
  /**
   * Keys of a JWK Set that this edge cannot use and left out, one line each
   * naming the member, the kid and why (never key material); absent or empty
   * for a urlseal keyring, which is strict. Sources log each line once.
   */
  readonly skipped?: readonly string[];
}

/**
 * The JSON form of a keyring (SPEC §3).
 *
 * @example
 * ```ts
 * import type { KeyringJson } from '@urlseal/edge/contract';
 * const json: KeyringJson = { active: '2026-11', kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' } };
 * ```
 */
export interface KeyringJson {
  active?: string;
  kids?: Record<string, string>;
  keys?: Array<Record<string, unknown>>;
  secureToken?: string[];
}

/**
 * Shortest secret accepted in any member, in bytes.
 *
 * @example
 * ```ts
 * import { MIN_SECRET_BYTES } from '@urlseal/edge/contract';
 * const secret = 'a-demo-secret-of-at-least-32-bytes!!';
 * new TextEncoder().encode(secret).length >= MIN_SECRET_BYTES; // true
 * ```
 */
export const MIN_SECRET_BYTES = 32;
/**
 * Longest keyring JSON text accepted before parsing, in bytes (1 MiB).
 *
 * @example
 * ```ts
 * import { MAX_KEYRING_BYTES } from '@urlseal/edge/contract';
 * MAX_KEYRING_BYTES; // 1048576
 * ```
 */
export const MAX_KEYRING_BYTES = 1 << 20;
/** Most keys one keyring may hold. */
export const MAX_KEYRING_KEYS = 1000;

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MEMBERS = new Set(['active', 'kids', 'keys', 'secureToken']);
const HMAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);
const RSA_ALGS = new Set(['RS256', 'PS256']);
const RSA_PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const FIX_SECRET = 'use at least 32 bytes (urlseal keygen makes one)';

function fail(member: string, problem: string): never {
  throw new UrlsealError('ERR_KEYRING_INVALID', `${member}: ${problem}`);
}

/**
 * A kid (or any keyring member name) as messages show it: quoted when shorter
 * than a secret can be; a longer one is described by its length, never shown,
 * since a name that long may be a secret in the wrong place (kid and secret
 * swapped, a secret as `active`).
 *
 * @example
 * ```ts
 * import { describeKid } from '@urlseal/edge/contract';
 * describeKid('2026-11');    // '"2026-11"'
 * describeKid('x'.repeat(43)); // 'a 43-character kid (not shown: as long as a secret)'
 * ```
 */
export function describeKid(kid: string): string {
  return kid.length < MIN_SECRET_BYTES ? JSON.stringify(kid) : `a ${kid.length}-character kid (not shown: as long as a secret)`;
}

/**
 * What a value given where a file path belongs looks like when it is plainly
 * not one, in words (`keyring JSON`, `a secret`, `multi-line text`), or
 * `undefined` when it may be a path. Messages describe such a value instead
 * of echoing it: it may hold secrets.
 *
 * @example
 * ```ts
 * import { describeNotAPath } from '@urlseal/edge/contract';
 * describeNotAPath('{"active":"k1","kids":{…}}'); // 'keyring JSON'
 * describeNotAPath('/etc/urlseal/keyring.json');  // undefined
 * ```
 */
export function describeNotAPath(value: string): string | undefined {
  const start = value.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'keyring JSON';
  if (/[\r\n]/.test(value)) return 'multi-line text';
  // Random base64url mixes cases and digits; a long file name of words (my-keyring-for-production) does not.
  if (/^[A-Za-z0-9_-]{32,}={0,2}$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value)) {
    return 'a secret (32 or more base64url characters)';
  }
  if (value.length > 1024 || /["\u0000-\u001f]/.test(value)) return 'text';
  return undefined;
}

/** A keyring member's path in messages: `keyring.kids["2026-11"]`, or by position for a name as long as a secret. */
function memberOf(parent: string, name: string, index: number): string {
  return name.length < MIN_SECRET_BYTES ? `${parent}[${JSON.stringify(name)}]` : `${parent} entry ${index + 1}, ${describeKid(name)}`;
}

function checkKid(member: string, kid: unknown): string {
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    fail(member, 'kid must be 1 to 64 characters of A-Z a-z 0-9 . _ -');
  }
  return kid;
}

function checkSecret(member: string, secret: unknown): Uint8Array {
  if (typeof secret !== 'string') fail(member, 'secret must be a string');
  const bytes = encodeUtf8(secret);
  if (bytes.length < MIN_SECRET_BYTES) fail(member, `secret is ${bytes.length} bytes; ${FIX_SECRET}`);
  return bytes;
}

function checkCoordinate(member: string, jwk: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = jwk[name];
  if (value === undefined && !required) return undefined;
  const bytes = typeof value === 'string' ? decodeBase64url(value) : undefined;
  if (bytes?.length !== 32) fail(`${member}.${name}`, 'must be 32 bytes of unpadded base64url');
  return value as string;
}

function parseOct(member: string, kid: string, jwk: Record<string, unknown>): KeyEntry {
  const alg = jwk.alg ?? 'HS256';
  if (typeof alg !== 'string' || !HMAC_ALGS.has(alg)) fail(`${member}.alg`, 'an "oct" key takes HS256, HS384 or HS512');
  const secret = typeof jwk.k === 'string' ? decodeBase64url(jwk.k) : undefined;
  if (secret === undefined) fail(`${member}.k`, 'must be unpadded base64url');
  if (secret.length < MIN_SECRET_BYTES) fail(`${member}.k`, `secret is ${secret.length} bytes; ${FIX_SECRET}`);
  return { kid, alg: alg as JwtAlgorithm, secret, canSign: true };
}

function parseAsymmetric(member: string, kid: string, jwk: Record<string, unknown>): KeyEntry {
  const ec = jwk.kty === 'EC';
  const [crv, alg] = ec ? (['P-256', 'ES256'] as const) : (['Ed25519', 'EdDSA'] as const);
  if (jwk.crv !== crv) fail(`${member}.crv`, ec ? 'an "EC" key must be P-256' : 'an "OKP" key must be Ed25519');
  if ((jwk.alg ?? alg) !== alg) fail(`${member}.alg`, `a ${crv} key takes ${alg}`);
  const x = checkCoordinate(member, jwk, 'x', true) as string;
  const y = ec ? checkCoordinate(member, jwk, 'y', true) : undefined;
  const d = checkCoordinate(member, jwk, 'd', false);
  // A degenerate public key lets anyone mint (issue 20): refused at load, on every backend.
  const problem = publicJwkProblem(ec ? { kty: 'EC', x, y } : { kty: 'OKP', x });
  if (problem !== undefined) {
    fail(`${member}.${ec ? 'x/y' : 'x'} (kid "${kid}")`, `the public key ${problem}; use the key pair's real public part`);
  }
  const key: AsymmetricJwk = ec
    ? { kty: 'EC', crv: 'P-256', x, y: y as string, ...(d ? { d } : {}) }
    : { kty: 'OKP', crv: 'Ed25519', x, ...(d ? { d } : {}) };
  return { kid, alg, jwk: Object.freeze(key), canSign: d !== undefined };
}

function parseRsa(member: string, kid: string, jwk: Record<string, unknown>): KeyEntry {
  const alg = jwk.alg ?? 'RS256';
  if (typeof alg !== 'string' || !RSA_ALGS.has(alg)) fail(`${member}.alg`, 'an "RSA" key takes RS256 or PS256');
  if (RSA_PRIVATE.some((name) => jwk[name] !== undefined)) {
    fail(`${member} (kid "${kid}")`, 'an RSA key only verifies here; give its public part (n, e) without d, p, q, dp, dq, qi');
  }
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') fail(member, 'an "RSA" key needs n and e');
  const rsa: RsaPublicJwk = { kty: 'RSA', n: jwk.n, e: jwk.e };
  const problem = rsaJwkProblem(rsa);
  if (problem !== undefined) fail(`${member}.n/e (kid "${kid}")`, `the public key ${problem}`);
  return { kid, alg: alg as JwtAlgorithm, rsa: Object.freeze(rsa), canSign: false };
}

const SUPPORTED: Readonly<Record<string, { crv?: string; algs: ReadonlySet<string | undefined> }>> = {
  oct: { algs: new Set([undefined, ...HMAC_ALGS]) },
  EC: { crv: 'P-256', algs: new Set([undefined, 'ES256']) },
  OKP: { crv: 'Ed25519', algs: new Set([undefined, 'EdDSA']) },
  RSA: { algs: new Set([undefined, ...RSA_ALGS]) },
};

/**
 * Why a key of a JWK Set is of no use to this edge (skipped, not fatal), or
 * `undefined` when it is to be read strictly. Keys of a supported kind with
 * broken or degenerate material stay errors.
 */
function unusable(jwk: unknown): string | undefined {
  if (!isPlainObject(jwk)) return 'not a JWK object';
  if (typeof jwk.kid !== 'string' || !KID_PATTERN.test(jwk.kid)) return 'its kid is not 1 to 64 characters of A-Z a-z 0-9 . _ -';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'its "use" is not "sig" (an encryption key)';
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return 'its "key_ops" do not include "verify"';
  const kind = typeof jwk.kty === 'string' && hasOwn(SUPPORTED, jwk.kty) ? SUPPORTED[jwk.kty] : undefined;
  if (kind === undefined) return 'its kty is not one this edge verifies (oct, EC, OKP, RSA)';
  if (kind.crv !== undefined && jwk.crv !== kind.crv) return `its curve is not ${kind.crv}`;
  if (!kind.algs.has(jwk.alg as string | undefined)) return 'its alg is not one this edge verifies for its kty';
  if (jwk.kty === 'RSA') {
    if (RSA_PRIVATE.some((name) => jwk[name] !== undefined)) return 'it holds private members (an edge only verifies)';
    if (typeof jwk.n === 'string' && typeof jwk.e === 'string') {
      const problem = rsaJwkProblem({ n: jwk.n, e: jwk.e });
      // Too small or odd-shaped keys are left out; undecodable ones stay errors below.
      if (problem !== undefined && !problem.includes('base64url')) return `the public key ${problem}`;
    }
  }
  return undefined;
}

function parseJwk(member: string, jwk: unknown): KeyEntry {
  if (!isPlainObject(jwk)) fail(member, 'must be a JWK object');
  const kid = checkKid(`${member}.kid`, jwk.kid);
  switch (jwk.kty) {
    case 'oct':
      return parseOct(member, kid, jwk);
    case 'EC':
    case 'OKP':
      return parseAsymmetric(member, kid, jwk);
    case 'RSA':
      return parseRsa(member, kid, jwk);
    default:
      return fail(`${member}.kty`, 'unknown key type; use "oct", "EC" (P-256), "OKP" (Ed25519) or "RSA" (RS256, PS256)');
  }
}

function addKey(keys: Map<string, KeyEntry>, member: string, entry: KeyEntry): void {
  if (keys.has(entry.kid)) fail(member, `duplicate kid ${describeKid(entry.kid)}; every kid must be unique across kids and keys`);
  if (keys.size >= MAX_KEYRING_KEYS) fail(member, `more than ${MAX_KEYRING_KEYS} keys`);
  const frozen = Object.freeze(entry);
  CHECKED_ENTRIES.add(frozen);
  keys.set(entry.kid, frozen);
}

function parseKids(kids: unknown, keys: Map<string, KeyEntry>): void {
  if (kids === undefined) return;
  if (!isPlainObject(kids)) fail('keyring.kids', 'must be an object of kid → secret');
  Object.keys(kids).forEach((kid, index) => {
    const member = memberOf('keyring.kids', kid, index);
    const secret = kids[kid];
    if (kid.length >= MIN_SECRET_BYTES && typeof secret === 'string' && secret.length < MIN_SECRET_BYTES) {
      fail(member, `looks swapped: its name is ${kid.length} characters and its value ${secret.length}; "kids" maps each kid to its secret, {"KID": "SECRET"}`);
    }
    checkKid(member, kid);
    addKey(keys, member, { kid, alg: 'HS256', secret: checkSecret(member, secret), canSign: true });
  });
}

function parseKeys(list: unknown, keys: Map<string, KeyEntry>, skipped: string[] | undefined): unknown[] {
  const left: unknown[] = [];
  if (list === undefined) return left;
  if (!Array.isArray(list)) fail('keyring.keys', 'must be an array of JWKs (a JWK Set\'s "keys")');
  list.forEach((jwk, index) => {
    const member = `keyring.keys[${index}]`;
    const reason = skipped === undefined ? undefined : unusable(jwk);
    if (reason === undefined) return addKey(keys, member, parseJwk(member, jwk));
    const kid = isPlainObject(jwk) && typeof jwk.kid === 'string' && KID_PATTERN.test(jwk.kid) ? ` (kid "${jwk.kid}")` : '';
    skipped?.push(`${member}${kid}: skipped, ${reason}`);
    left[index] = jwk;
  });
  return left;
}

function parseSecureToken(list: unknown): Uint8Array[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail('keyring.secureToken', 'must be an array of secrets, the signing one first');
  if (list.length === 0) fail('keyring.secureToken', 'is empty; remove it or add a secret');
  return list.map((secret, index) => checkSecret(`keyring.secureToken[${index}]`, secret));
}

function pickActive(active: unknown, keys: Map<string, KeyEntry>): KeyEntry | undefined {
  if (active === undefined) {
    for (const entry of keys.values()) if (entry.canSign) return entry;
    return undefined;
  }
  if (typeof active !== 'string') fail('keyring.active', 'must be a kid string');
  // A kid not held (or held without its private part) is the signer's problem, not the
  // edge's: an edge verifies with the kids it holds (SPEC v1.2); createSigner refuses it.
  const entry = keys.get(active);
  return entry?.canSign ? entry : undefined;
}

/**
 * Why a signer cannot use this keyring's `active`, or `undefined` when it can
 * (or names none). One line, naming the kid only as {@link describeKid} does.
 *
 * @example
 * ```ts
 * import { activeProblem, createKeyring } from '@urlseal/edge/contract';
 * const edge = createKeyring({ active: '2026-10', kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' } });
 * activeProblem(edge); // 'keyring.active: "2026-10" names no key this keyring holds; …'
 * ```
 */
export function activeProblem(keyring: Keyring): string | undefined {
  const kid = keyring.activeKid;
  if (kid === undefined || keyring.active !== undefined) return undefined;
  const held = keyring.keys.get(kid);
  const why = held === undefined ? 'names no key this keyring holds' : 'names a key held without its private part (verify only)';
  return `keyring.active: ${describeKid(kid)} ${why}; a signer needs active to name a kid from kids, or a key in keys with its private part`;
}

/** A member path for a duplicate found in the text: `keyring.kids`, `keyring.keys[0]`. */
function pathOf(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    if (part.length >= MIN_SECRET_BYTES) return `${out} (a member with a ${part.length}-character name, not shown: as long as a secret)`;
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `${out}.${part}` : `${out}[${JSON.stringify(part)}]`;
  }, 'keyring');
}

function parseJsonText(text: string): unknown {
  if (text.length > MAX_KEYRING_BYTES) fail('keyring', `is larger than ${MAX_KEYRING_BYTES} bytes`);
  if (text.trim() === '') fail('keyring', 'is empty; it must hold keyring JSON (urlseal keygen makes one)');
  if (text.charCodeAt(0) === 0xfeff) fail('keyring', 'starts with a byte-order mark (U+FEFF); save it as UTF-8 without one');
  let json: unknown;
  let parsed = true;
  try {
    json = JSON.parse(text);
  } catch {
    parsed = false;
  }
  // Never JSON.parse's own message: it quotes the text around the error, which may be a secret.
  const problem = scanJson(text);
  if (problem?.duplicate !== undefined) {
    const { path, name } = problem.duplicate;
    fail(pathOf(path), `${describeKid(name)} appears twice (line ${problem.line}); JSON would keep only the last, so remove one`);
  }
  if (problem !== undefined) {
    const where = `line ${problem.line}, column ${problem.column}`;
    fail('keyring', problem.atEnd ? `is not valid JSON: it ends early at ${where}, expected ${problem.expected}` : `is not valid JSON at ${where}: expected ${problem.expected}`);
  }
  if (!parsed) fail('keyring', 'is not valid JSON');
  return json;
}

/**
 * Validates a keyring (SPEC §3), given as parsed JSON or JSON text, and returns
 * it immutable with its keys in a `Map`. Throws `UrlsealError`
 * (`ERR_KEYRING_INVALID`) whose message names the member and the fix; the
 * message never holds a secret.
 *
 * @example
 * ```ts
 * import { createKeyring } from '@urlseal/edge/contract';
 * const keyring = createKeyring({
 *   active: '2026-11',
 *   kids: { '2026-11': 'a-demo-secret-of-at-least-32-bytes!!' },
 * });
 * keyring.active?.kid; // '2026-11'
 * ```
 */
export function createKeyring(input: KeyringJson | string): Keyring {
  const json = typeof input === 'string' ? parseJsonText(input) : input;
  if (!isPlainObject(json)) fail('keyring', 'must be a JSON object with "kids", "keys" and/or "secureToken"');
  Object.keys(json).forEach((member) => {
    if (!MEMBERS.has(member)) fail(pathOf([member]), 'unknown member; expected active, kids, keys or secureToken');
  });
  const keys = new Map<string, KeyEntry>();
  // A JWK Set as published (only "keys") may hold keys for other uses: those are
  // skipped. A urlseal keyring (any other member) is read strictly (SPEC §3).
  const jwkSet = Object.keys(json).length === 1 && json.keys !== undefined;
  const skipped: string[] | undefined = jwkSet ? [] : undefined;
  parseKids(json.kids, keys);
  const left = parseKeys(json.keys, keys, skipped);
  const secureToken = Object.freeze(parseSecureToken(json.secureToken));
  if (keys.size === 0 && secureToken.length === 0) {
    // Nothing usable: a key that is wrong (not merely of another use) says so as SPEC §3 does.
    left.forEach((jwk, index) => parseJwk(`keyring.keys[${index}]`, jwk));
    const why = skipped !== undefined && skipped.length > 0 ? `; every key was skipped (${skipped.join('; ')})` : '';
    fail('keyring', `holds no key; add "kids", "keys" or "secureToken" (urlseal keygen makes one)${why}`);
  }
  const active = pickActive(json.active, keys);
  const activeKid = typeof json.active === 'string' ? json.active : undefined;
  return Object.freeze({ keys, active, ...(activeKid === undefined ? {} : { activeKid }), secureToken, skipped: Object.freeze(skipped ?? []) });
}
