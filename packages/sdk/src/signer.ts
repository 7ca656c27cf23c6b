import { canonicalPath, matchesGrant } from '@urlseal/edge/contract';
import { buildClaims, checkCallOptions, checkGrant, checkUnixTime, hasPrefix, type SignOptions } from './claims.js';
import { setCookieValue } from './cookie.js';
import { createJwsSigner, type JwsSigner } from './jws.js';
import {
  checkScheme,
  checkSchemeKey,
  checkTransport,
  resolveSignerOptions,
  type Scheme,
  type SignerConfig,
  type SignerOptions,
} from './options.js';
import { secureToken, secureTokenExpires } from './secure-token.js';
import { parseTtl } from './ttl.js';
import { appendQuery, joinUrl, queryNames, splitUrl, type UrlParts } from './url.js';

/**
 * What `createSigner` returns.
 *
 * @example
 * ```ts
 * import { createSigner, type Signer } from '@urlseal/sdk';
 * const signer: Signer = createSigner({ keyring: process.env.URLSEAL_KEYRING! });
 * ```
 */
export interface Signer {
  /** Signs a URL (absolute or a path) and returns the same kind of URL carrying the token. */
  signUrl(url: string, options?: SignOptions): Promise<string>;
  /** Signs a grant and returns the bare JWT (for a header or your own transport). */
  signToken(grant: string | readonly string[], options?: Omit<SignOptions, 'grant' | 'transport'>): Promise<string>;
  /** Signs a grant and returns a `Set-Cookie` value scoped to it. */
  signCookie(grant: string | readonly string[], options?: Omit<SignOptions, 'grant' | 'transport'>): Promise<string>;
}

/** The time fields of one token: its expiry and the clock reading it was made at. */
interface Times {
  readonly now: number;
  readonly exp: number;
}

const NO_OPTIONS: SignOptions = Object.freeze({});
const SECURE_TOKEN_UNSUPPORTED = ['sub', 'jti', 'ip', 'nbf'] as const;

function resolveTimes(config: SignerConfig, options: SignOptions): Times {
  const now = config.now();
  if (options.expires !== undefined) return { now, exp: checkUnixTime(options.expires, 'expires') };
  const ttl = options.ttl === undefined ? config.ttl : parseTtl(options.ttl, config.maxTtl);
  return { now, exp: now + ttl };
}

function resolveScheme(config: SignerConfig, options: SignOptions): Scheme {
  if (options.scheme === undefined) return config.scheme;
  const scheme = checkScheme(options.scheme, 'scheme');
  if (scheme !== config.scheme) checkSchemeKey(config.keyring, scheme, 'scheme');
  return scheme;
}

/** The decoded canonical path of a URL, or a TypeError (the signer never signs a non-canonical path). */
/** The URL's canonical decoded path; the core's reason, as a TypeError, when it has none. */
function urlPath(parts: UrlParts): string {
  try {
    return canonicalPath(parts.path);
  } catch (error) {
    throw new TypeError(`url ${(error as Error).message}`);
  }
}

function checkNoCarrier(config: SignerConfig, parts: UrlParts, decoded: string): void {
  if (queryNames(parts.query).some((name) => name === config.param || name === 'st' || name === 'e')) {
    throw new TypeError(`url already carries a "${config.param}", "st" or "e" parameter; sign the URL without it`);
  }
  if (decoded.startsWith(`/${config.pathSegment}/`)) {
    throw new TypeError(`url path already starts with /${config.pathSegment}/; sign the URL without a token`);
  }
}

function urlGrant(options: SignOptions, decoded: string): readonly string[] {
  if (options.grant === undefined) return [decoded];
  const patterns = checkGrant(options.grant);
  if (!matchesGrant(decoded, patterns)) throw new TypeError('url path is not covered by grant; the edge would deny it');
  return patterns;
}

class UrlsealSigner implements Signer {
  readonly #config: SignerConfig;
  readonly #jws: JwsSigner | undefined;

  constructor(config: SignerConfig) {
    this.#config = config;
    const active = config.keyring.active;
    this.#jws = active === undefined ? undefined : createJwsSigner(active);
  }

  async signUrl(url: string, options: SignOptions = NO_OPTIONS): Promise<string> {
    checkCallOptions(options);
    const config = this.#config;
    const parts = splitUrl(url);
    const decoded = urlPath(parts);
    checkNoCarrier(config, parts, decoded);
    const patterns = urlGrant(options, decoded);
    if (resolveScheme(config, options) === 'secure-token') return this.#secureTokenUrl(parts, decoded, patterns, options);
    const transport = options.transport === undefined ? config.transport : checkTransport(options.transport, 'transport');
    const token = await this.#jwt(patterns, options);
    if ((transport ?? (hasPrefix(patterns) ? 'path' : 'query')) === 'path') {
      return joinUrl({ ...parts, path: `/${config.pathSegment}/${token}${parts.path}` });
    }
    return joinUrl({ ...parts, query: appendQuery(parts.query, `${config.param}=${token}`) });
  }

  async signToken(grant: string | readonly string[], options: SignOptions = NO_OPTIONS): Promise<string> {
    return this.#jwt(checkGrant(grant), this.#bareOptions(options, 'signToken'));
  }

  async signCookie(grant: string | readonly string[], options: SignOptions = NO_OPTIONS): Promise<string> {
    const patterns = checkGrant(grant);
    const bare = this.#bareOptions(options, 'signCookie');
    const times = resolveTimes(this.#config, bare);
    const token = await this.#sign(patterns, times, bare);
    return setCookieValue(this.#config.cookieName, token, patterns, times.exp - times.now);
  }

  /** Options of signToken/signCookie: no grant or transport, JWT only. */
  #bareOptions(options: SignOptions, method: string): SignOptions {
    checkCallOptions(options);
    if (options.grant !== undefined || options.transport !== undefined) {
      throw new TypeError(`${method} takes the grant as its first argument and has no transport`);
    }
    if (resolveScheme(this.#config, options) !== 'jwt') {
      throw new TypeError(`${method} makes JWTs only; sign a secure-token URL with signUrl`);
    }
    return options;
  }

  #jwt(patterns: readonly string[], options: SignOptions): Promise<string> {
    return this.#sign(patterns, resolveTimes(this.#config, options), options);
  }

  #sign(patterns: readonly string[], times: Times, options: SignOptions): Promise<string> {
    const jws = this.#jws as JwsSigner; // resolveScheme checked the keyring has an active key
    const claimsJson = JSON.stringify(buildClaims(patterns, times.exp, times.now, options));
    return jws.sync === undefined ? jws.sign(claimsJson) : Promise.resolve(jws.sync(claimsJson));
  }

  #secureTokenUrl(parts: UrlParts, decoded: string, patterns: readonly string[], options: SignOptions): string {
    if (patterns.length !== 1 || patterns[0] !== decoded) {
      throw new TypeError('secure-token grants exactly the URL\'s own path: the legacy format has no prefix or list');
    }
    for (const name of SECURE_TOKEN_UNSUPPORTED) {
      if (options[name] !== undefined) throw new TypeError(`${name} is not carried by the secure-token scheme; use scheme "jwt"`);
    }
    if (options.transport === 'path') throw new TypeError('transport "path" is not available for secure-token (it travels as ?st=&e=)');
    const e = secureTokenExpires(resolveTimes(this.#config, options).exp);
    const st = secureToken(this.#config.keyring.secureToken[0] as Uint8Array, decoded, e);
    return joinUrl({ ...parts, query: appendQuery(parts.query, `st=${st}&e=${e}`) });
  }
}

/**
 * Creates a signer: options are validated once (a `TypeError` naming the
 * option; keyring problems throw `UrlsealError` `ERR_KEYRING_INVALID`), keys
 * are prepared once, and each call only builds claims and signs.
 *
 * @example
 * ```ts
 * import { createSigner } from '@urlseal/sdk';
 * const signer = createSigner({ keyring: process.env.URLSEAL_KEYRING!, ttl: '5m' });
 * await signer.signUrl('https://cdn.example/videos/a.mp4');
 * // 'https://cdn.example/videos/a.mp4?token=eyJ…'
 * await signer.signUrl('/videos/course-1/master.m3u8', { grant: '/videos/course-1/*' });
 * // '/_token/eyJ…/videos/course-1/master.m3u8'
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  return new UrlsealSigner(resolveSignerOptions(options));
}
