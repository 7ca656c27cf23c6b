import {
  activeProblem,
  DEFAULT_MAX_TTL,
  readClock,
  readKeyring,
  readTokenParams,
  type Keyring,
  type KeyringJson,
  type Scheme,
  type TokenParams,
  UrlsealError,
} from '@urlseal/edge/contract';
import { checkOptionNames, optionError } from './misuse.js';
import { checkSealKey, readSeal } from './seal.js';
import { parseTtl, type Ttl } from './ttl.js';

/**
 * Where `signUrl` puts a JWT: `path` (`/_token/<jwt>/…`, inherited by relative URLs in
 * HLS/DASH manifests) or `query` (`?token=<jwt>`).
 *
 * @example
 * ```ts
 * import type { Transport } from '@urlseal/sdk';
 * const transport: Transport = 'query';
 * ```
 */
export type Transport = 'path' | 'query';

/**
 * Options of `createSigner`, validated once when the signer is made. The names are the
 * verifier's (`maxTtl`, `currentDate`, `params`), so one object can describe both sides.
 *
 * @example
 * ```ts
 * import { loadKeyring, type SignerOptions } from '@urlseal/sdk';
 * const options: SignerOptions = { keyring: loadKeyring(), ttl: '10m', params: { cookie: 'media' } };
 * ```
 */
export interface SignerOptions {
  /** A keyring from `createKeyring`/`loadKeyring`, its JSON object, or its JSON text. */
  keyring: Keyring | KeyringJson | string;
  /** Default lifetime: seconds or `'90s'`, `'5m'`, `'2h'`, `'1d'`. Default `'5m'`. */
  ttl?: Ttl;
  /** Longest ttl accepted, in seconds; match the verifier's. Default 86400. */
  maxTtl?: number;
  /** Default scheme. Default `'jwt'`. */
  scheme?: Scheme;
  /** Default JWT transport for `signUrl`; unset: `path` for prefix grants, else `query`. */
  transport?: Transport;
  /**
   * Carrier names (SPEC §6), exactly as the verifier's `params`: the query parameters
   * `token`, `st` and `e`, the `cookie` of `signCookie` and the `pathSegment` of the path
   * transport. Defaults `token`, `st`, `e`, `urlseal`, `_token`.
   */
  params?: Partial<TokenParams>;
  /** The clock: a fixed `Date` or a function returning one. Default: now. */
  currentDate?: Date | (() => Date);
  /** Seal every JWT by default (docs/spec.md §9 "Sealed tokens"; HS256 active key only). Default `false`. */
  seal?: boolean;
}

/** SignerOptions checked and resolved to plain values. */
export interface SignerConfig {
  readonly keyring: Keyring;
  readonly ttl: number;
  readonly maxTtl: number;
  readonly scheme: Scheme;
  readonly transport: Transport | undefined;
  readonly params: TokenParams;
  /** Now, in Unix seconds. */
  readonly now: () => number;
  /** Whether JWTs are sealed unless a call says otherwise. */
  readonly seal: boolean;
}

const OPTION_NAMES = new Set(['keyring', 'ttl', 'maxTtl', 'scheme', 'transport', 'params', 'currentDate', 'seal']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The clock in Unix seconds, from the contract's one reader of `currentDate`. */
function readClockSeconds(value: unknown, fn: string): () => number {
  const ms = readClock(value, fn);
  return () => Math.floor(ms() / 1000);
}

/** Checks a scheme value. */
export function checkScheme(value: unknown, fn: string): Scheme {
  if (value === 'jwt' || value === 'secure-token') return value;
  throw optionError(fn, 'scheme', 'must be "jwt" or "secure-token"');
}

/** Checks a transport value. */
export function checkTransport(value: unknown, fn: string): Transport {
  if (value === 'path' || value === 'query') return value;
  throw optionError(fn, 'transport', 'must be "path" or "query"');
}

function readMaxTtl(value: unknown, fn: string): number {
  if (value === undefined) return DEFAULT_MAX_TTL;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw optionError(fn, 'maxTtl', 'must be a positive whole number of seconds');
  }
  return value;
}

/** Throws a TypeError when the keyring cannot sign with `scheme`. */
export function checkSchemeKey(keyring: Keyring, scheme: Scheme, fn: string): void {
  // A signer is the one place `active` matters (an edge tolerates a stale one): refused at load.
  const stale = activeProblem(keyring);
  if (stale !== undefined) throw new UrlsealError('ERR_KEYRING_INVALID', `${fn}: ${stale}`);
  if (scheme === 'jwt' && keyring.active === undefined) {
    throw optionError(fn, 'scheme', 'is "jwt" but the keyring has no JWT signing key; add one (urlseal keygen) or use scheme "secure-token"');
  }
  if (scheme === 'secure-token' && keyring.secureToken.length === 0) {
    throw optionError(fn, 'scheme', 'is "secure-token" but the keyring has no "secureToken" secret to sign the legacy scheme with');
  }
}

/**
 * Validates every option of `createSigner` once and resolves defaults. Throws a
 * `TypeError` naming the option, or `UrlsealError` `ERR_KEYRING_INVALID` for the keyring.
 */
export function resolveSignerOptions(options: SignerOptions): SignerConfig {
  const fn = 'createSigner';
  if (!isObject(options)) throw new TypeError(`${fn}: options must be an object with a "keyring"`);
  checkOptionNames(options, OPTION_NAMES, fn);
  const keyring = readKeyring(options.keyring, fn);
  const maxTtl = readMaxTtl(options.maxTtl, fn);
  const scheme = options.scheme === undefined ? 'jwt' : checkScheme(options.scheme, fn);
  checkSchemeKey(keyring, scheme, fn);
  const seal = readSeal(options.seal, false, fn);
  if (seal) checkSealKey(keyring, fn);
  return Object.freeze({
    keyring,
    ttl: parseTtl(options.ttl ?? '5m', maxTtl, fn),
    maxTtl,
    scheme,
    transport: options.transport === undefined ? undefined : checkTransport(options.transport, fn),
    params: readTokenParams(options.params, fn),
    now: readClockSeconds(options.currentDate, fn),
    seal,
  });
}
