// Strict compact-JWS parsing and claim checks (SPEC §4). Parsing is split from
// verification so the verifier can check kid/alg and the signature before it
// trusts a single claim.
import type { DenialCode } from './errors.js';
import type { JwtAlgorithm } from './keyring.js';
import { decodeBase64url } from './lib/base64url.js';
import { decodeUtf8 } from './lib/utf8.js';
import { parseGrant } from './path.js';
import { parseIpRange, type IpRange } from './ip.js';

/** Longest compact JWS accepted, in bytes (SPEC §4); checked before any decoding. */
export const MAX_TOKEN_BYTES = 4096;

/** Signature length in bytes for each algorithm (ES256 is JOSE's raw r‖s). */
export const SIGNATURE_BYTES: Readonly<Record<JwtAlgorithm, number>> = Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
  ES256: 64,
  EdDSA: 64,
});

/**
 * Claims of a granted request: for `jwt` the verified JWT claims as signed;
 * for `secure-token` only `exp` (the `e` parameter).
 */
export interface Claims {
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly path?: string | readonly string[];
  readonly sub?: string;
  readonly jti?: string;
  readonly ip?: string;
  readonly aud?: string | readonly string[];
  readonly iss?: string;
  readonly [claim: string]: unknown;
}

/** A compact JWS split and decoded, not yet verified. */
export interface ParsedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `base64url(header) + '.' + base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64url(segment);
  if (bytes === undefined) return undefined;
  const text = decodeUtf8(bytes);
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

/**
 * Splits and decodes a compact JWS strictly: at most 4096 bytes, exactly three
 * segments of canonical unpadded base64url, header and payload JSON objects,
 * no `crit` and no `b64` header. `undefined` means `ERR_TOKEN_MALFORMED`.
 *
 * @example
 * ```ts
 * import { parseJwt } from '@urlseal/edge';
 * parseJwt('not.a.jwt'); // undefined
 * ```
 */
export function parseJwt(token: string): ParsedJwt | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_BYTES) return undefined;
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) return undefined;
  const signature = decodeBase64url(token.slice(second + 1));
  if (signature === undefined || signature.length === 0) return undefined;
  const header = decodeJsonObject(token.slice(0, first));
  if (header === undefined) return undefined;
  // `crit` and `b64` (RFC 7515 §4.1.11, RFC 7797) change how a token must be
  // read; we implement neither, so a token that asks for them is malformed.
  if (Object.hasOwn(header, 'crit') || Object.hasOwn(header, 'b64')) return undefined;
  const payload = decodeJsonObject(token.slice(first + 1, second));
  if (payload === undefined) return undefined;
  return { header, payload, signingInput: token.slice(0, second), signature };
}

/** What the claim check needs from the verifier's configuration. */
export interface ClaimPolicy {
  readonly now: number;
  readonly leeway: number;
  readonly maxTtl: number;
  readonly audience: ReadonlySet<string> | undefined;
  readonly issuer: ReadonlySet<string> | undefined;
}

/** Claims whose shape was checked: the parsed grant and ip range alongside them. */
export interface CheckedClaims {
  readonly claims: Claims;
  readonly grant: readonly string[];
  readonly ip: IpRange | undefined;
}

function isOptionalSafeInteger(value: unknown): boolean {
  return value === undefined || Number.isSafeInteger(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function audienceMatches(aud: unknown, allowed: ReadonlySet<string>): boolean {
  if (typeof aud === 'string') return allowed.has(aud);
  if (!Array.isArray(aud) || aud.length === 0 || aud.length > 16) return false;
  let match = false;
  for (const item of aud) {
    if (typeof item !== 'string') return false;
    if (allowed.has(item)) match = true;
  }
  return match;
}

/**
 * Checks the claims of a token whose signature already verified, in SPEC §7
 * order: types and the grant (`ERR_CLAIM_INVALID`), then time (`exp` expired →
 * `ERR_TOKEN_EXPIRED`; beyond `maxTtl`, `nbf`/`iat` in the future →
 * `ERR_CLAIM_INVALID`), then audience and issuer when configured.
 *
 * @example
 * ```ts
 * import { checkClaims } from '@urlseal/edge';
 * const now = 1_800_000_000;
 * checkClaims({ exp: now + 60, path: '/a.mp4' }, { now, leeway: 30, maxTtl: 86400, audience: undefined, issuer: undefined });
 * ```
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimPolicy): CheckedClaims | DenialCode {
  const { exp, iat, nbf } = payload;
  if (!Number.isSafeInteger(exp) || !isOptionalSafeInteger(iat) || !isOptionalSafeInteger(nbf)) {
    return 'ERR_CLAIM_INVALID';
  }
  if (!isOptionalString(payload.sub) || !isOptionalString(payload.jti)) return 'ERR_CLAIM_INVALID';
  const grant = parseGrant(payload.path);
  if (grant === undefined) return 'ERR_CLAIM_INVALID';
  let ip: IpRange | undefined;
  if (payload.ip !== undefined) {
    ip = parseIpRange(payload.ip as string);
    if (ip === undefined) return 'ERR_CLAIM_INVALID';
  }
  const { now, leeway } = policy;
  if (now >= (exp as number) + leeway) return 'ERR_TOKEN_EXPIRED';
  if ((exp as number) - now > policy.maxTtl) return 'ERR_CLAIM_INVALID';
  if (nbf !== undefined && (nbf as number) > now + leeway) return 'ERR_CLAIM_INVALID';
  if (iat !== undefined && (iat as number) > now + leeway) return 'ERR_CLAIM_INVALID';
  if (policy.audience !== undefined && !audienceMatches(payload.aud, policy.audience)) return 'ERR_CLAIM_INVALID';
  if (policy.issuer !== undefined && !(typeof payload.iss === 'string' && policy.issuer.has(payload.iss))) {
    return 'ERR_CLAIM_INVALID';
  }
  return { claims: payload as Claims, grant, ip };
}
