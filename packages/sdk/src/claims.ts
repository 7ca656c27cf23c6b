import { parseGrant, type Scheme } from '@urlseal/edge/contract';
import { isIpClaim } from './ip.js';
import { checkOptionNames, optionError } from './misuse.js';
import type { Transport } from './options.js';
import type { Ttl } from './ttl.js';

/**
 * Per-call options of `sign`, `signUrl`, `signToken` and `signCookie`.
 *
 * @example
 * ```ts
 * import type { SignOptions } from '@urlseal/sdk';
 * const options: SignOptions = { grant: '/videos/course-1/*', ttl: '2h', sub: 'student-42' };
 * ```
 */
export interface SignOptions {
  /** One pattern or 1–16 patterns: exact decoded paths or `/dir/*` prefixes. */
  grant?: string | readonly string[];
  /** Lifetime for this token (seconds or `'5m'`); bounded by `maxTtl`. */
  ttl?: Ttl;
  /** Expiry in Unix seconds; overrides `ttl` and may be any time (tests, vectors). */
  expires?: number;
  /** Not-before, Unix seconds. */
  nbf?: number;
  /** Subject passed to the application (never the basis of the check). */
  sub?: string;
  /** Session id (a login or playback session), read by the edge's revocation check (`urlseal revoke --sid`). */
  sid?: string;
  /** Token id passed to the application. */
  jti?: string;
  /** IPv4/IPv6 address or CIDR the client must come from. */
  ip?: string;
  /** Scheme for this call; default from `createSigner`. */
  scheme?: Scheme;
  /** Transport for this call (`sign`/`signUrl`, jwt only). */
  transport?: Transport;
}

/**
 * Per-call options of `signToken` and `signCookie`: the grant is their first argument,
 * and they make JWTs that travel in a header or a cookie, not in a URL.
 *
 * @example
 * ```ts
 * import type { TokenOptions } from '@urlseal/sdk';
 * const options: TokenOptions = { ttl: '1h', sub: 'student-42' };
 * ```
 */
export type TokenOptions = Omit<SignOptions, 'grant' | 'transport'>;

/**
 * The claims urlseal puts in a JWT (SPEC §4).
 *
 * @example
 * ```ts
 * import type { UrlsealClaims } from '@urlseal/sdk';
 * const claims: UrlsealClaims = { path: '/a.mp4', exp: 1893456000, iat: 1893455700 };
 * ```
 */
export interface UrlsealClaims {
  path: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  sub?: string;
  sid?: string;
  jti?: string;
  ip?: string;
}

const CALL_OPTIONS = new Set(['grant', 'ttl', 'expires', 'nbf', 'sub', 'sid', 'jti', 'ip', 'scheme', 'transport']);
const MAX_TEXT_CLAIM = 1024;

/** Rejects option names the signer does not know, so a typo (`expire`) is never silently ignored. */
export function checkCallOptions(options: SignOptions, fn: string): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object`);
  checkOptionNames(options, CALL_OPTIONS, fn);
}

/** Validates a grant into 1–16 patterns. */
export function checkGrant(grant: unknown, fn: string): readonly string[] {
  const patterns = parseGrant(grant);
  if (patterns === undefined) {
    throw optionError(fn, 'grant', 'must be 1 to 16 patterns, each a canonical decoded path or a "/dir/*" prefix');
  }
  return patterns;
}

/** Whether a grant holds a `/dir/*` prefix pattern. */
export function hasPrefix(patterns: readonly string[]): boolean {
  return patterns.some((pattern) => pattern.endsWith('/*'));
}

/** Checks a Unix time option: a non-negative safe integer. */
export function checkUnixTime(value: unknown, fn: string, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw optionError(fn, option, 'must be a Unix time in whole seconds');
  }
  return value;
}

function checkText(value: unknown, fn: string, option: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT_CLAIM) {
    throw optionError(fn, option, `must be a string of 1 to ${MAX_TEXT_CLAIM} characters`);
  }
  return value;
}

/**
 * Builds the claims of one JWT. `exp` is the precomputed expiry, `now` the signer's
 * clock; optional claims are set only when given.
 */
export function buildClaims(patterns: readonly string[], exp: number, now: number, options: SignOptions, fn: string): UrlsealClaims {
  const claims: UrlsealClaims = {
    path: patterns.length === 1 ? (patterns[0] as string) : [...patterns],
    exp,
    iat: now,
  };
  if (options.nbf !== undefined) claims.nbf = checkUnixTime(options.nbf, fn, 'nbf');
  if (options.sub !== undefined) claims.sub = checkText(options.sub, fn, 'sub');
  if (options.sid !== undefined) claims.sid = checkText(options.sid, fn, 'sid');
  if (options.jti !== undefined) claims.jti = checkText(options.jti, fn, 'jti');
  if (options.ip !== undefined) {
    if (!isIpClaim(options.ip)) throw optionError(fn, 'ip', 'must be an IPv4/IPv6 address or CIDR such as 203.0.113.0/24');
    claims.ip = options.ip;
  }
  return claims;
}
