// The signing core both signers share (Node: sync node:crypto; web: async jose). Every
// check, claim and URL is decided here, synchronously; a plan then needs at most one JWS
// signature over `claimsJson`, made by whichever backend the entry point has. So the two
// signers cannot drift: they differ only in who signs the bytes.
import { MAX_TOKEN_BYTES, canonicalPath, computeSecureToken, matchesGrant, type Scheme } from '@urlseal/edge/contract';
import {
  buildClaims,
  checkCallOptions,
  checkCookieAttributes,
  checkGrant,
  checkGrantAll,
  COOKIE_OPTIONS,
  type CookieOptions,
  checkUnixTime,
  hasPrefix,
  type SignOptions,
  type TokenOptions,
  type UrlsealClaims,
} from './claims.js';
import { signedCookie } from './cookie.js';
import { argumentError, checkOptionNames, optionError } from './misuse.js';
import { checkScheme, checkSchemeKey, checkTransport, type SignerConfig } from './options.js';
import type { SignedCookie, SignedUrl } from './results.js';
import { checkSealKey, readSeal } from './seal.js';
import { secureTokenExpires } from './secure-token.js';
import { parseTtl } from './ttl.js';
import { appendQuery, joinUrl, queryNames, splitUrl, type UrlParts } from './url.js';

/**
 * A decided signing call: either done (secure-token), or waiting for the token over
 * `claimsJson`: a JWS, or a sealed token (JWE) when `seal` is true.
 */
export type Plan<T> =
  | { readonly result: T }
  | { readonly claimsJson: string; readonly seal: boolean; finish(token: string): T };

/** The calls of a signer, each turned into a plan. `fn` names the public method in errors. */
export interface Planner {
  url(url: string, options: SignOptions | undefined, fn: string): Plan<SignedUrl>;
  token(grant: string | readonly string[], options: TokenOptions | undefined, fn: string): Plan<string>;
  cookie(grant: string | readonly string[], options: CookieOptions | undefined, fn: string): Plan<SignedCookie>;
}

const NO_OPTIONS: SignOptions = Object.freeze({});
const SECURE_TOKEN_UNSUPPORTED = ['sub', 'sid', 'jti', 'ip', 'nbf', 'geo'] as const;

function expiry(config: SignerConfig, options: SignOptions, now: number, fn: string): number {
  if (options.expires !== undefined) return checkUnixTime(options.expires, fn, 'expires');
  return now + (options.ttl === undefined ? config.ttl : parseTtl(options.ttl, config.maxTtl, fn));
}

function claimsOf(config: SignerConfig, patterns: readonly string[], options: SignOptions, fn: string): UrlsealClaims {
  const now = config.now();
  return buildClaims(patterns, expiry(config, options, now, fn), now, options, fn);
}

function resolveScheme(config: SignerConfig, options: SignOptions, fn: string): Scheme {
  if (options.scheme === undefined) return config.scheme;
  const scheme = checkScheme(options.scheme, fn);
  if (scheme !== config.scheme) checkSchemeKey(config.keyring, scheme, fn);
  return scheme;
}

/** The URL's canonical decoded path; the contract's reason, as a TypeError, when it has none. */
function urlPath(parts: UrlParts, fn: string): string {
  try {
    return canonicalPath(parts.path);
  } catch (error) {
    throw argumentError(fn, 'url', (error as Error).message);
  }
}

function checkNoCarrier(config: SignerConfig, parts: UrlParts, decoded: string, fn: string): void {
  const { token, st, e, pathSegment } = config.params;
  if (queryNames(parts.query).some((name) => name === token || name === st || name === e)) {
    throw argumentError(fn, 'url', `already carries a "${token}", "${st}" or "${e}" parameter; sign the URL without it`);
  }
  if (decoded.startsWith(`/${pathSegment}/`)) {
    throw argumentError(fn, 'url', `path already starts with /${pathSegment}/; sign the URL without a token`);
  }
}

function urlGrant(options: SignOptions, decoded: string, fn: string): readonly string[] {
  if (options.grant === undefined) return [decoded];
  const patterns = checkGrant(options.grant, fn);
  checkGrantAll(patterns, options, fn);
  if (!matchesGrant(decoded, patterns)) throw optionError(fn, 'grant', 'does not cover the URL\'s path; the edge would deny it');
  return patterns;
}

function secureTokenUrl(config: SignerConfig, parts: UrlParts, decoded: string, patterns: readonly string[], options: SignOptions, fn: string): SignedUrl {
  if (patterns.length !== 1 || patterns[0] !== decoded) {
    throw optionError(fn, 'grant', 'must be the URL\'s own path for scheme "secure-token": the legacy format has no prefix or list');
  }
  for (const name of SECURE_TOKEN_UNSUPPORTED) {
    if (options[name] !== undefined) throw optionError(fn, name, 'is not carried by scheme "secure-token"; use scheme "jwt"');
  }
  if (options.transport === 'path') throw optionError(fn, 'transport', '"path" is not available for scheme "secure-token" (it travels in the query)');
  const exp = expiry(config, options, config.now(), fn);
  const e = secureTokenExpires(exp, fn);
  // decoded is canonical (urlPath) and e has 10 digits (just checked): no re-check on the hot path.
  const st = computeSecureToken(config.keyring.secureToken[0] as Uint8Array, decoded, e);
  const url = joinUrl({ ...parts, query: appendQuery(parts.query, `${config.params.st}=${st}&${config.params.e}=${e}`) });
  return { scheme: 'secure-token', url, token: st, claims: { path: decoded, exp }, expires: exp };
}

/** Options of signToken/signCookie: no grant or transport, JWT only. */
function tokenOptions(config: SignerConfig, options: TokenOptions, fn: string): TokenOptions {
  checkCallOptions(options, fn);
  const extra = options as SignOptions;
  if (extra.grant !== undefined) throw optionError(fn, 'grant', 'is not an option here: the grant is the first argument');
  if (extra.transport !== undefined) throw optionError(fn, 'transport', 'is not an option here: the token travels in a header or cookie');
  if (resolveScheme(config, options, fn) !== 'jwt') {
    throw optionError(fn, 'scheme', 'must be "jwt": only signUrl and sign make secure-token links');
  }
  return options;
}

/** The token, refused when the edge would refuse it for its length alone (SPEC §4: at most 4096 bytes). */
function boundedToken(token: string, fn: string): string {
  if (token.length > MAX_TOKEN_BYTES) {
    throw new TypeError(`${fn}: the token would be ${token.length} bytes, above the ${MAX_TOKEN_BYTES}-byte bound every edge enforces; shorten or merge the grant's patterns (a "/dir/*" prefix), or sub/jti`);
  }
  return token;
}

/** Whether this call seals its JWT; an active key that cannot seal is refused. */
function sealOf(config: SignerConfig, options: SignOptions, fn: string): boolean {
  const seal = readSeal(options.seal, config.seal, fn);
  if (seal && options.seal !== undefined) checkSealKey(config.keyring, fn);
  return seal;
}

/** Makes the planner for one resolved configuration. */
export function createPlanner(config: SignerConfig): Planner {
  return {
    url(url, options = NO_OPTIONS, fn) {
      checkCallOptions(options, fn);
      const parts = splitUrl(url, fn);
      const decoded = urlPath(parts, fn);
      checkNoCarrier(config, parts, decoded, fn);
      const patterns = urlGrant(options, decoded, fn);
      if (resolveScheme(config, options, fn) === 'secure-token') {
        if (options.seal === true) throw optionError(fn, 'seal', 'is for scheme "jwt": a secure-token link carries no claims to seal');
        return { result: secureTokenUrl(config, parts, decoded, patterns, options, fn) };
      }
      const seal = sealOf(config, options, fn);
      const transport = options.transport === undefined ? config.transport : checkTransport(options.transport, fn);
      const claims = claimsOf(config, patterns, options, fn);
      const inPath = (transport ?? (hasPrefix(patterns) ? 'path' : 'query')) === 'path';
      return {
        claimsJson: JSON.stringify(claims),
        seal,
        finish: (jws) => {
          const token = boundedToken(jws, fn);
          const signedUrl = inPath
            ? joinUrl({ ...parts, path: `/${config.params.pathSegment}/${token}${parts.path}` })
            : joinUrl({ ...parts, query: appendQuery(parts.query, `${config.params.token}=${token}`) });
          return { scheme: 'jwt', url: signedUrl, token, claims, expires: claims.exp };
        },
      };
    },
    token(grant, options = NO_OPTIONS, fn) {
      const checked = tokenOptions(config, options, fn);
      const patterns = checkGrant(grant, fn);
      checkGrantAll(patterns, checked, fn);
      const claims = claimsOf(config, patterns, checked, fn);
      return { claimsJson: JSON.stringify(claims), seal: sealOf(config, checked, fn), finish: (token) => boundedToken(token, fn) };
    },
    cookie(grant, options = NO_OPTIONS, fn) {
      if (typeof options !== 'object' || options === null) throw new TypeError(`${fn}: options must be an object`);
      checkOptionNames(options, COOKIE_OPTIONS, fn);
      const attributes = checkCookieAttributes(options, fn);
      // Every name the options have, inherited ones too (as the readers see them), but the cookie's own two.
      const claimOptions: Record<string, unknown> = {};
      for (const key in options) if (key !== 'domain' && key !== 'sameSite') claimOptions[key] = (options as Record<string, unknown>)[key];
      const checked = tokenOptions(config, claimOptions, fn);
      const patterns = checkGrant(grant, fn);
      checkGrantAll(patterns, checked, fn);
      const claims = claimsOf(config, patterns, checked, fn);
      return { claimsJson: JSON.stringify(claims), seal: sealOf(config, checked, fn), finish: (token) => signedCookie(config.params.cookie, boundedToken(token, fn), patterns, claims, attributes) };
    },
  };
}
