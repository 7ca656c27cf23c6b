import { createKeyring, type Keyring, type KeyringJson } from '@urlseal/edge/contract';
import { parseTtl, type Ttl } from './ttl.js';

/**
 * How a token is signed: `jwt` (default) or the legacy `secure-token` md5
 * format (SPEC §5).
 *
 * @example
 * ```ts
 * import type { Scheme } from '@urlseal/sdk';
 * const scheme: Scheme = 'secure-token';
 * ```
 */
export type Scheme = 'jwt' | 'secure-token';

/**
 * Where `signUrl` puts a JWT: `path` (`/_token/<jwt>/…`, inherited by relative
 * URLs in HLS/DASH manifests) or `query` (`?token=<jwt>`).
 *
 * @example
 * ```ts
 * import type { Transport } from '@urlseal/sdk';
 * const transport: Transport = 'query';
 * ```
 */
export type Transport = 'path' | 'query';

/**
 * Options of `createSigner`, validated once when the signer is made.
 *
 * @example
 * ```ts
 * import type { SignerOptions } from '@urlseal/sdk';
 * const options: SignerOptions = { keyring: process.env.URLSEAL_KEYRING!, ttl: '10m' };
 * ```
 */
export interface SignerOptions {
  /** A keyring from `createKeyring`/`loadKeyring`, its JSON object, or its JSON text. */
  keyring: Keyring | KeyringJson | string;
  /** Default lifetime: seconds or `'90s'`, `'5m'`, `'2h'`, `'1d'`. Default `'5m'`. */
  ttl?: Ttl;
  /** Default scheme. Default `'jwt'`. */
  scheme?: Scheme;
  /** Default JWT transport for `signUrl`; unset: `path` for prefix grants, else `query`. */
  transport?: Transport;
  /** Query parameter that carries a JWT. Default `'token'`. */
  param?: string;
  /** Path segment before a JWT in the path transport. Default `'_token'`. */
  pathSegment?: string;
  /** Cookie name for `signCookie`. Default `'urlseal'`. */
  cookieName?: string;
  /** Longest ttl accepted, in seconds; match the verifier's. Default 86400. */
  maxTtl?: number;
  /** The clock: a fixed `Date` or a function returning one. Default: now. */
  currentDate?: Date | (() => Date);
}

/** SignerOptions checked and resolved to plain values. */
export interface SignerConfig {
  readonly keyring: Keyring;
  readonly ttl: number;
  readonly scheme: Scheme;
  readonly transport: Transport | undefined;
  readonly param: string;
  readonly pathSegment: string;
  readonly cookieName: string;
  readonly maxTtl: number;
  readonly now: () => number;
}

const OPTION_NAMES = new Set([
  'keyring', 'ttl', 'scheme', 'transport', 'param', 'pathSegment', 'cookieName', 'maxTtl', 'currentDate',
]);
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Query parameters the secure-token scheme owns; a JWT parameter must not shadow them. */
const RESERVED_PARAMS = new Set(['st', 'e']);

/** Checks a scheme value; `option` names it in the error. */
export function checkScheme(value: unknown, option: string): Scheme {
  if (value === 'jwt' || value === 'secure-token') return value;
  throw new TypeError(`${option} must be "jwt" or "secure-token"`);
}

/** Checks a transport value; `option` names it in the error. */
export function checkTransport(value: unknown, option: string): Transport {
  if (value === 'path' || value === 'query') return value;
  throw new TypeError(`${option} must be "path" or "query"`);
}

function checkName(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new TypeError(`${option} must be 1 to 64 characters of A-Z a-z 0-9 _ -`);
  }
  return value;
}

function toKeyring(value: unknown): Keyring {
  if (typeof value === 'object' && value !== null && (value as Keyring).keys instanceof Map) return value as Keyring;
  if (typeof value === 'string' || (typeof value === 'object' && value !== null)) {
    return createKeyring(value as KeyringJson | string);
  }
  throw new TypeError('keyring is required: a keyring, its JSON object or its JSON text (urlseal keygen makes one)');
}

function toClock(value: unknown): () => number {
  if (value === undefined) return () => Math.floor(Date.now() / 1000);
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    const seconds = Math.floor(value.getTime() / 1000);
    return () => seconds;
  }
  if (typeof value === 'function') {
    return () => {
      const date: unknown = value();
      if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('currentDate must return a valid Date');
      return Math.floor(date.getTime() / 1000);
    };
  }
  throw new TypeError('currentDate must be a Date or a function returning a Date');
}

function checkMaxTtl(value: unknown): number {
  if (value === undefined) return 86400;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError('maxTtl must be a positive whole number of seconds');
  }
  return value;
}

/** Throws a TypeError when the keyring cannot sign with `scheme`; `option` names where the scheme came from. */
export function checkSchemeKey(keyring: Keyring, scheme: Scheme, option: string): void {
  if (scheme === 'jwt' && keyring.active === undefined) {
    throw new TypeError(`${option}: the keyring has no JWT signing key; add one (urlseal keygen) or use scheme "secure-token"`);
  }
  if (scheme === 'secure-token' && keyring.secureToken.length === 0) {
    throw new TypeError(`${option}: the keyring has no "secureToken" secret to sign the legacy scheme with`);
  }
}

/**
 * Validates every option of `createSigner` once and resolves defaults. Throws
 * a `TypeError` naming the option (or `UrlsealError` `ERR_KEYRING_INVALID`
 * from keyring validation).
 */
export function resolveSignerOptions(options: SignerOptions): SignerConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSigner needs an options object with a keyring');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw new TypeError(`unknown option "${name}"`);
  }
  const keyring = toKeyring(options.keyring);
  const maxTtl = checkMaxTtl(options.maxTtl);
  const scheme = options.scheme === undefined ? 'jwt' : checkScheme(options.scheme, 'scheme');
  checkSchemeKey(keyring, scheme, 'scheme');
  const param = checkName(options.param, 'param', 'token');
  if (RESERVED_PARAMS.has(param)) throw new TypeError('param must not be "st" or "e": the secure-token scheme uses them');
  return Object.freeze({
    keyring,
    ttl: parseTtl(options.ttl ?? '5m', maxTtl),
    scheme,
    transport: options.transport === undefined ? undefined : checkTransport(options.transport, 'transport'),
    param,
    pathSegment: checkName(options.pathSegment, 'pathSegment', '_token'),
    cookieName: checkName(options.cookieName, 'cookieName', 'urlseal'),
    maxTtl,
    now: toClock(options.currentDate),
  });
}
