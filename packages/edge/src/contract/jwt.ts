// Strict compact-JWS parsing and claim checks (SPEC §4). Parsing is split from
// verification so the verifier can check kid/alg and the signature before it
// trusts a single claim. On the JavaScript floor (scripts/floor.js).
import { ERR_CLAIM_INVALID, ERR_GEO_MISMATCH, ERR_TOKEN_EXPIRED, type DenialCode } from './codes.js';
import type { JwtAlgorithm } from './keyring.js';
import { decodeBase64url, isCanonicalBase64url } from '../lib/base64url.js';
import { hasOwn } from '../lib/own.js';
import { DETAILS } from '../lib/flags.js';
import { decodeUtf8 } from '../lib/utf8.js';
import { parseGrant } from './path.js';
import { ipClaim, type IpCheck } from './ip.js';
import { geoClaim, type GeoCheck } from './geo.js';

/**
 * Longest compact JWS accepted, in bytes (SPEC §4); checked before any decoding.
 *
 * @example
 * ```ts
 * import { MAX_TOKEN_BYTES } from '@urlseal/edge/contract';
 * declare const token: string;
 * if (token.length > MAX_TOKEN_BYTES) throw new Error('token too long to sign');
 * ```
 */
export const MAX_TOKEN_BYTES = 4096;

/** Signature length in bytes for each algorithm (ES256 is JOSE's raw r‖s; RSA: see below). */
export const SIGNATURE_BYTES: Readonly<Record<JwtAlgorithm, number>> = /* @__PURE__ */ Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
  ES256: 64,
  EdDSA: 64,
  // RSA: the modulus length, 256 bytes for a 2048-bit key; a verifier uses each key's own.
  RS256: 256,
  PS256: 256,
});

/** Length of the unpadded base64url text of `bytes` bytes. */
export function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * Claims of a granted request: for `jwt` the verified JWT claims as signed;
 * for `secure-token` only `exp` (the `e` parameter).
 *
 * @example
 * ```ts
 * import { createVerifier, type Claims } from '@urlseal/edge';
 * declare const jwt: string;
 * const result = await createVerifier({ keyring: process.env.URLSEAL_KEYRING! }).verifyToken(jwt, '/videos/a.mp4');
 * const claims: Claims | undefined = result.ok ? result.claims : undefined;
 * console.log(claims?.sub, claims?.exp);
 * ```
 */
export interface Claims {
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly path?: string | readonly string[];
  readonly sub?: string;
  /** A session id (issue 18), read by the revocation check. */
  readonly sid?: string;
  readonly jti?: string;
  readonly ip?: string;
  readonly geo?: { readonly allow: readonly string[] } | { readonly block: readonly string[] };
  readonly aud?: string | readonly string[];
  readonly iss?: string;
  readonly [claim: string]: unknown;
}

/**
 * A compact JWS split and decoded, not yet verified.
 *
 * @example
 * ```ts
 * import { parseJwt, type ParsedJwt } from '@urlseal/edge/contract';
 * declare const token: string;
 * const parsed: ParsedJwt | undefined = parseJwt(token);
 * parsed?.header.kid;
 * ```
 */
export interface ParsedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Record<string, unknown>;
  /** `base64url(header) + '.' + base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  /** The signature segment: canonical base64url, not decoded. */
  readonly signature: string;
}

/** Decodes a base64url segment to text; the crypto backend supplies the fastest one. */
export type TextDecoderFn = (segment: string) => string | undefined;

/** Default segment decoder: strict pure-JS base64url and UTF-8. */
export const decodeSegmentText: TextDecoderFn = (segment) => {
  const bytes = decodeBase64url(segment);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
};

/** Distinct JWS headers remembered per parser; a verifier sees a handful (one per kid). */
const HEADER_CACHE_SIZE = 32;

/** A canonical base64url segment holding a JSON object, decoded; `undefined` when it is not one. */
export function decodeJsonObject(segment: string, decodeText: TextDecoderFn): Record<string, unknown> | undefined {
  if (!isCanonicalBase64url(segment)) return undefined;
  const text = decodeText(segment);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    // Safe to parse: the token is already bounded to 4 KiB, which bounds nesting depth too.
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function decodeHeader(segment: string, decodeText: TextDecoderFn): Readonly<Record<string, unknown>> | undefined {
  const header = decodeJsonObject(segment, decodeText);
  if (header === undefined) return undefined;
  // `crit` and `b64` (RFC 7515 §4.1.11, RFC 7797) change how a token must be
  // read; we implement neither, so a token that asks for them is malformed.
  if (hasOwn(header, 'crit') || hasOwn(header, 'b64')) return undefined;
  // The caching parser shares one header among tokens: none may change it. The floor
  // bundles cache nothing (scripts/floor.js drops this statement).
  NOT_ON_FLOOR: Object.freeze(header);
  return header;
}

type HeaderReader = (token: string, first: number) => Readonly<Record<string, unknown>> | undefined;

function parser(decode: TextDecoderFn, readHeader: HeaderReader): (token: string) => ParsedJwt | undefined {
  return (token) => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES) return undefined;
    const first = token.indexOf('.');
    const second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) return undefined;
    const signature = token.slice(second + 1);
    // An empty signature is canonical base64url of zero bytes: the shape is
    // fine and it fails later, as a wrong-length signature.
    if (!isCanonicalBase64url(signature)) return undefined;
    const parsedHeader = readHeader(token, first);
    if (parsedHeader === undefined) return undefined;
    const payload = decodeJsonObject(token.slice(first + 1, second), decode);
    if (payload === undefined) return undefined;
    return { header: parsedHeader, payload, signingInput: token.slice(0, second), signature };
  };
}

/**
 * Makes a strict compact-JWS parser: at most 4096 bytes, exactly three
 * segments of canonical unpadded base64url, header and payload JSON objects,
 * no `crit` and no `b64` header. The parser returns `undefined` for
 * `ERR_TOKEN_MALFORMED`. `decode` turns a checked segment into strict UTF-8
 * text (each crypto backend brings its fastest one).
 */
export function createJwtParser(decode: TextDecoderFn): (token: string) => ParsedJwt | undefined {
  return parser(decode, (token, first) => decodeHeader(token.slice(0, first), decode));
}

/**
 * {@link createJwtParser} for a long-lived verifier: it remembers up to 32
 * valid headers by their exact text (tokens of one kid share a header), so the
 * cache is bounded. An edge function that starts afresh for every request
 * (CloudFront Functions) has nothing to remember and uses the plain parser.
 */
export function createCachingJwtParser(decode: TextDecoderFn): (token: string) => ParsedJwt | undefined {
  // Known headers as `<segment>.` with their parsed value. A linear scan with
  // startsWith beats a Map here: it avoids slicing and hashing the segment,
  // and a verifier sees one header per kid.
  const prefixes: string[] = [];
  const parsedHeaders: Readonly<Record<string, unknown>>[] = [];
  return parser(decode, (token, first) => {
    for (let i = 0; i < prefixes.length; i++) {
      const prefix = prefixes[i] as string;
      if (prefix.length === first + 1 && token.startsWith(prefix)) return parsedHeaders[i];
    }
    const parsed = decodeHeader(token.slice(0, first), decode);
    if (parsed === undefined) return undefined;
    if (prefixes.length >= HEADER_CACHE_SIZE) {
      prefixes.length = 0;
      parsedHeaders.length = 0;
    }
    prefixes.push(token.slice(0, first + 1));
    parsedHeaders.push(parsed);
    return parsed;
  });
}

const defaultParser = /* @__PURE__ */ createCachingJwtParser(decodeSegmentText);

/**
 * Splits and decodes a compact JWS strictly (see {@link createJwtParser});
 * `undefined` means `ERR_TOKEN_MALFORMED`. Does not verify anything.
 *
 * @example
 * ```ts
 * import { parseJwt } from '@urlseal/edge/contract';
 * parseJwt('not.a.jwt'); // undefined
 * ```
 */
export function parseJwt(token: string): ParsedJwt | undefined {
  return defaultParser(token);
}

/**
 * A set of accepted strings, as the checks read it: a `Set`, or anything with
 * `has` (the JavaScript floor has no `Set`).
 */
export interface Allowlist {
  has(value: string): boolean;
}

/**
 * What the claim check needs from the verifier's configuration.
 */
export interface ClaimPolicy {
  readonly leeway: number;
  readonly maxTtl: number;
  readonly audience?: Allowlist | undefined;
  readonly issuer?: Allowlist | undefined;
}

/**
 * Claims whose shape was checked: the parsed grant and ip range alongside them.
 */
export interface CheckedClaims {
  readonly claims: Claims;
  readonly grant: readonly string[];
  /** The `ip` claim as a check of the client address; `undefined` when the token has none. */
  readonly ip: IpCheck | undefined;
  /** The `geo` claim as a check of the viewer's country; `undefined` when the token has none. */
  readonly geo?: GeoCheck | undefined;
}

/** The first of `exp`, `iat`, `nbf`, `sub`, `jti` whose type is wrong (for the denial's detail). */
function badlyTyped(payload: Record<string, unknown>): string {
  if (!Number.isSafeInteger(payload.exp)) return 'exp';
  if (!isOptionalSafeInteger(payload.iat)) return 'iat';
  if (!isOptionalSafeInteger(payload.nbf)) return 'nbf';
  return isOptionalString(payload.sub) ? 'jti' : 'sub';
}

function isOptionalSafeInteger(value: unknown): boolean {
  return value === undefined || Number.isSafeInteger(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function audienceMatches(aud: unknown, allowed: Allowlist): boolean {
  if (typeof aud === 'string') return allowed.has(aud);
  if (!Array.isArray(aud) || aud.length === 0 || aud.length > 16) return false;
  let match = false;
  for (let i = 0; i < aud.length; i++) {
    const item: unknown = aud[i];
    if (typeof item !== 'string') return false;
    if (allowed.has(item)) match = true;
  }
  return match;
}

/**
 * Why a claim check failed: the code, and the claim that failed (for logs only;
 * never echoed to a client).
 */
export interface ClaimFailure {
  readonly code: DenialCode;
  /** Absent in bundles built without detail texts (DETAILS in lib/flags.ts). */
  readonly claim?: string | undefined;
}

function failure(code: DenialCode, claim: string | false): ClaimFailure {
  return DETAILS ? { code, claim: claim || undefined } : { code };
}

// An `ip` claim on an edge built without address matching: it cannot be met,
// so the token is denied at the ip step (fail closed).
const UNCHECKABLE_IP: IpCheck = () => false;

/**
 * The claims every JWT edge checks, in SPEC §7 order: types and the grant
 * (`ERR_CLAIM_INVALID`; the `geo` claim's first, so a malformed one is
 * invalid before time, as a malformed `ip` is), then time (`exp` expired →
 * `ERR_TOKEN_EXPIRED`; beyond `maxTtl`, `nbf`/`iat` in the future →
 * `ERR_CLAIM_INVALID`). `readIp` turns an `ip` claim into a check
 * (`undefined`: malformed); an edge built without it (CloudFront Functions,
 * for size) denies any token with an `ip` claim. The `geo` claim comes back as
 * a check of the viewer's country; a bundle built without country rules
 * (scripts/floor.js drops `COUNTRY_RULES:` where the runtime reports no
 * country) answers any `geo` claim `ERR_GEO_MISMATCH`. `aud`/`iss` are left
 * to {@link checkClaims}.
 */
export function checkCoreClaims(
  payload: Record<string, unknown>,
  now: number,
  policy: ClaimPolicy,
  readIp?: (claim: unknown) => IpCheck | undefined,
): CheckedClaims | ClaimFailure {
  const exp = payload.exp;
  const iat = payload.iat;
  const nbf = payload.nbf;
  let geo: GeoCheck | undefined;
  COUNTRY_RULES: if (payload.geo !== undefined && (geo = geoClaim(payload.geo)) === undefined) return failure(ERR_CLAIM_INVALID, DETAILS && 'geo');
  // One test for the types (one code whichever fails); which one is named only where details ship.
  if (!Number.isSafeInteger(exp) || !isOptionalSafeInteger(iat) || !isOptionalSafeInteger(nbf) || !isOptionalString(payload.sub) || !isOptionalString(payload.jti)) {
    return failure(ERR_CLAIM_INVALID, DETAILS && badlyTyped(payload));
  }
  const grant = parseGrant(payload.path);
  if (grant === undefined) return failure(ERR_CLAIM_INVALID, DETAILS && 'path');
  let ip: IpCheck | undefined;
  if (payload.ip !== undefined) {
    ip = readIp === undefined ? UNCHECKABLE_IP : readIp(payload.ip);
    if (ip === undefined) return failure(ERR_CLAIM_INVALID, DETAILS && 'ip');
  }
  const leeway = policy.leeway;
  if (now >= (exp as number) + leeway) return failure(ERR_TOKEN_EXPIRED, DETAILS && 'exp');
  if ((exp as number) - now > policy.maxTtl) return failure(ERR_CLAIM_INVALID, DETAILS && 'exp beyond maxTtl');
  if (nbf !== undefined && (nbf as number) > now + leeway) return failure(ERR_CLAIM_INVALID, DETAILS && 'nbf');
  if (iat !== undefined && (iat as number) > now + leeway) return failure(ERR_CLAIM_INVALID, DETAILS && 'iat');
  // A `geo` claim is read above, or (no country rules in this bundle, so `geo` stays
  // unset) cannot be met here. Last, and written short: the floor pays per byte; a floor
  // bundle with country rules leaves it out (scripts/floor.js), elsewhere it never holds.
  NO_COUNTRY_RULES: if (geo === undefined && 'geo' in payload) return failure(ERR_GEO_MISMATCH, DETAILS && 'geo');
  return { claims: payload as Claims, grant, ip, geo };
}

/**
 * Checks the claims of a token whose signature already verified, in SPEC §7
 * order: {@link checkCoreClaims} with `ip` claims read, then audience and
 * issuer when configured. A failure names the claim.
 */
export function checkClaims(payload: Record<string, unknown>, now: number, policy: ClaimPolicy): CheckedClaims | ClaimFailure {
  return checkClaimsWith(payload, now, policy, ipClaim);
}

/**
 * {@link checkClaims} with the reader of `ip` claims given: a bundle may load it when a
 * token has one (the Worker). Without one, a token with an `ip` claim is denied.
 */
export function checkClaimsWith(
  payload: Record<string, unknown>,
  now: number,
  policy: ClaimPolicy,
  readIp: ((claim: unknown) => IpCheck | undefined) | undefined,
): CheckedClaims | ClaimFailure {
  const checked = checkCoreClaims(payload, now, policy, readIp);
  if ('code' in checked) return checked;
  if (policy.audience !== undefined && !audienceMatches(payload.aud, policy.audience)) return failure(ERR_CLAIM_INVALID, DETAILS && 'aud');
  if (policy.issuer !== undefined && !(typeof payload.iss === 'string' && policy.issuer.has(payload.iss))) {
    return failure(ERR_CLAIM_INVALID, DETAILS && 'iss');
  }
  return checked;
}
