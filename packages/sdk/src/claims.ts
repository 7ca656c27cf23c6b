import { MAX_GEO_COUNTRIES, isGeoClaim, parseGrant, type Scheme } from '@urlseal/edge/contract';
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
  /** Countries (ISO 3166-1 alpha-2, upper case) the link may or may not be used from; an unknown country is always denied. */
  geo?: GeoRule;
  /** Scheme for this call; default from `createSigner`. */
  scheme?: Scheme;
  /** Transport for this call (`sign`/`signUrl`, jwt only). */
  transport?: Transport;
  /** `true` to allow the pattern `/*` (every path of the edge): refused without it. */
  grantAll?: boolean;
  /**
   * Seal the claims (a compact JWE, docs/spec.md §9 "Sealed tokens"): nobody who sees the
   * link reads `sub`, `path` or the times, and the edge still checks them. Scheme jwt with
   * an HS256 active key only. Default from `createSigner` (`false`).
   */
  seal?: boolean;
}

/**
 * A country rule: `allow` only these countries, or `block` these; 1 to 300
 * distinct ISO 3166-1 alpha-2 codes in upper case.
 *
 * @example
 * ```ts
 * import type { GeoRule } from '@urlseal/sdk';
 * const rule: GeoRule = { allow: ['BR', 'PT'] };
 * ```
 */
export type GeoRule = { readonly allow: readonly string[] } | { readonly block: readonly string[] };

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
 * The cookie's `SameSite` attribute. `Lax` (the default) is sent on requests from pages of
 * the same site (`app.example.com` → `cdn.example.com`); `None` also from other sites
 * (always with `Secure`, which a urlseal cookie always has).
 *
 * @example
 * ```ts
 * import type { SameSite } from '@urlseal/sdk';
 * const sameSite: SameSite = 'Strict';
 * ```
 */
export type SameSite = 'Lax' | 'Strict' | 'None';

/**
 * Options of `signCookie`: the token's options, plus where the cookie goes.
 *
 * @example
 * ```ts
 * import type { CookieOptions } from '@urlseal/sdk';
 * // Set by a page on app.example.com, sent to cdn.example.com (a sibling host).
 * const options: CookieOptions = { ttl: '2h', domain: 'example.com' };
 * ```
 */
export interface CookieOptions extends TokenOptions {
  /**
   * `Domain`: a parent domain of the page's host that the CDN's host shares
   * (`example.com` for `app.example.com` and `cdn.example.com`). Default: none, the cookie
   * goes back to the host that set it only.
   */
  domain?: string;
  /** `SameSite`, default `'Lax'`. */
  sameSite?: SameSite;
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
  sid?: string;
  jti?: string;
  ip?: string;
  geo?: { allow: string[] } | { block: string[] };
}

const CALL_OPTIONS = new Set(['grant', 'ttl', 'expires', 'nbf', 'sub', 'sid', 'jti', 'ip', 'geo', 'scheme', 'transport', 'grantAll', 'seal']);
/** What signCookie takes: the call options and the cookie's own two. */
export const COOKIE_OPTIONS: ReadonlySet<string> = new Set([...CALL_OPTIONS, 'domain', 'sameSite']);
// A host name of LDH labels (a leading dot, which browsers ignore, is refused: say it plainly).
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The cookie attributes of signCookie's options, checked. */
export function checkCookieAttributes(options: CookieOptions, fn: string): { domain: string | undefined; sameSite: SameSite } {
  const { domain, sameSite } = options;
  if (domain !== undefined && (typeof domain !== 'string' || !DOMAIN_PATTERN.test(domain))) {
    throw optionError(fn, 'domain', 'must be a host name such as "example.com" (no scheme, port, path or leading dot)');
  }
  if (sameSite !== undefined && sameSite !== 'Lax' && sameSite !== 'Strict' && sameSite !== 'None') {
    throw optionError(fn, 'sameSite', 'must be "Lax", "Strict" or "None"');
  }
  return { domain: domain?.toLowerCase(), sameSite: sameSite ?? 'Lax' };
}
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

/**
 * Refuses the pattern `/*` (every path the edge serves) unless the call says
 * `grantAll: true`: a slip such as a template's empty course id must not mint a key to
 * everything.
 */
export function checkGrantAll(patterns: readonly string[], options: { grantAll?: unknown }, fn: string): void {
  const { grantAll } = options;
  if (grantAll !== undefined && typeof grantAll !== 'boolean') throw optionError(fn, 'grantAll', 'must be true or false');
  if (grantAll !== true && patterns.includes('/*')) {
    throw optionError(fn, 'grant', 'holds "/*", every path of the edge; narrow it, or opt in with option "grantAll"');
  }
}

/** Whether a grant holds a `/dir/*` prefix pattern. */
export function hasPrefix(patterns: readonly string[]): boolean {
  return patterns.some((pattern) => pattern.endsWith('/*'));
}

/**
 * Above this a Unix time can only be milliseconds: 10^11 seconds is the year 5138, while
 * `Date.now()` has been above 10^12 since 2001.
 */
export const MAX_UNIX_SECONDS = 1e11;

/** The one-line reason for a time that is milliseconds, shared by the SDK and the CLI. */
export const MILLISECONDS_PROBLEM = 'is above 10^11, a time in milliseconds (Date.now()), not Unix seconds; divide it by 1000 (Math.floor(Date.now() / 1000) + 60)';

/** Checks a Unix time option: a non-negative safe integer of seconds, never milliseconds. */
export function checkUnixTime(value: unknown, fn: string, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw optionError(fn, option, 'must be a Unix time in whole seconds');
  }
  if (value > MAX_UNIX_SECONDS) throw optionError(fn, option, MILLISECONDS_PROBLEM);
  return value;
}

function checkText(value: unknown, fn: string, option: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT_CLAIM) {
    throw optionError(fn, option, `must be a string of 1 to ${MAX_TEXT_CLAIM} characters`);
  }
  return value;
}

/** Validates a `geo` option into a copy (the caller's arrays are not kept). */
function checkGeo(value: unknown, fn: string): { allow: string[] } | { block: string[] } {
  if (!isGeoClaim(value)) {
    throw optionError(fn, 'geo', `must be { allow: [...] } or { block: [...] } with 1 to ${MAX_GEO_COUNTRIES} distinct upper-case ISO 3166-1 alpha-2 codes, e.g. { allow: ['BR', 'PT'] }`);
  }
  const rule = value as { allow?: string[]; block?: string[] };
  return rule.allow !== undefined ? { allow: [...rule.allow] } : { block: [...(rule.block as string[])] };
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
  if (options.nbf !== undefined) {
    claims.nbf = checkUnixTime(options.nbf, fn, 'nbf');
    if (claims.nbf >= exp) throw optionError(fn, 'nbf', 'is not before the expiry, so the edge would never grant the token; make it earlier than the expiry');
  }
  if (options.sub !== undefined) claims.sub = checkText(options.sub, fn, 'sub');
  if (options.sid !== undefined) claims.sid = checkText(options.sid, fn, 'sid');
  if (options.jti !== undefined) claims.jti = checkText(options.jti, fn, 'jti');
  if (options.ip !== undefined) {
    if (!isIpClaim(options.ip)) throw optionError(fn, 'ip', 'must be an IPv4/IPv6 address or CIDR such as 203.0.113.0/24');
    claims.ip = options.ip;
  }
  if (options.geo !== undefined) claims.geo = checkGeo(options.geo, fn);
  return claims;
}
