import { parseGrant } from '@urlseal/edge/contract';
import { isIpClaim } from './ip.js';
import type { Scheme, Transport } from './options.js';
import type { Ttl } from './ttl.js';

/**
 * Per-call options of `signUrl`, `signToken` and `signCookie`.
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
  /** Token id passed to the application. */
  jti?: string;
  /** IPv4/IPv6 address or CIDR the client must come from. */
  ip?: string;
  /** Scheme for this call; default from `createSigner`. */
  scheme?: Scheme;
  /** Transport for this call (signUrl, jwt only). */
  transport?: Transport;
}

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
  jti?: string;
  ip?: string;
}

const CALL_OPTIONS = new Set(['grant', 'ttl', 'expires', 'nbf', 'sub', 'jti', 'ip', 'scheme', 'transport']);
const MAX_TEXT_CLAIM = 1024;

/** Rejects option names the signer does not know, so a typo (`expire`) is never silently ignored. */
export function checkCallOptions(options: SignOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  for (const name in options) if (!CALL_OPTIONS.has(name)) throw new TypeError(`unknown option "${name}"`);
}

/** Validates a grant into 1–16 patterns; TypeError otherwise. */
export function checkGrant(grant: unknown): readonly string[] {
  const patterns = parseGrant(grant);
  if (patterns === undefined) {
    throw new TypeError('grant must be 1 to 16 patterns, each a canonical decoded path or a "/dir/*" prefix');
  }
  return patterns;
}

/** Whether a grant holds a `/dir/*` prefix pattern. */
export function hasPrefix(patterns: readonly string[]): boolean {
  return patterns.some((pattern) => pattern.endsWith('/*'));
}

/** Checks a Unix time option: a non-negative safe integer. */
export function checkUnixTime(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${option} must be a Unix time in whole seconds`);
  }
  return value;
}

function checkText(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT_CLAIM) {
    throw new TypeError(`${option} must be a string of 1 to ${MAX_TEXT_CLAIM} characters`);
  }
  return value;
}

/**
 * Builds the claims of one JWT. `exp` is the precomputed expiry, `now` the
 * signer's clock; optional claims are set only when given.
 */
export function buildClaims(patterns: readonly string[], exp: number, now: number, options: SignOptions): UrlsealClaims {
  const claims: UrlsealClaims = {
    path: patterns.length === 1 ? (patterns[0] as string) : [...patterns],
    exp,
    iat: now,
  };
  if (options.nbf !== undefined) claims.nbf = checkUnixTime(options.nbf, 'nbf');
  if (options.sub !== undefined) claims.sub = checkText(options.sub, 'sub');
  if (options.jti !== undefined) claims.jti = checkText(options.jti, 'jti');
  if (options.ip !== undefined) {
    if (!isIpClaim(options.ip)) throw new TypeError('ip must be an IPv4/IPv6 address or CIDR such as 203.0.113.0/24');
    claims.ip = options.ip;
  }
  return claims;
}
