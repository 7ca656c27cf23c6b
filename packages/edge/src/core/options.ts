// Validates createVerifier's options once, at creation: each problem is a
// TypeError naming the option, so a typo never silently falls back to a default.
import { DENIAL_STATUS, isDenialCode, type DenialCode } from '../contract/errors.js';
import { DEFAULT_LEEWAY, DEFAULT_MAX_TTL } from '../contract/defaults.js';
import type { JwtAlgorithm, Keyring, KeyringJson } from '../contract/keyring.js';
import { isPlainObject } from '../lib/own.js';
import { readClock, readKeyring } from '../contract/option-readers.js';
import { readTokenParams, type TokenParams } from '../contract/carriers.js';
import type { SealedMode } from './types.js';
import { readRevocation, type PreparedRevocation, type RevocationOptions } from './revocation.js';

/**
 * Options of {@link createVerifier}; each is validated once, at creation
 * (`TypeError` naming the option).
 *
 * @example
 * ```ts
 * import type { VerifierOptions } from '@urlseal/edge';
 * const options: VerifierOptions = { keyring: process.env.URLSEAL_KEYRING!, maxTtl: 3600, audience: 'lms' };
 * ```
 */
export interface VerifierOptions {
  /** A keyring, its JSON, or its JSON text (SPEC §3). */
  keyring: Keyring | KeyringJson | string;
  /** Longest allowed `exp − now`, in seconds. Default 86400. */
  maxTtl?: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 30. */
  clockTolerance?: number;
  /** Accepted `aud` values; `aud` is checked only when this is set. */
  audience?: string | string[];
  /** Accepted `iss` values; `iss` is checked only when this is set. */
  issuer?: string | string[];
  /** An extra allowlist of JWS algorithms on top of the keyring's own. */
  algorithms?: JwtAlgorithm[];
  /** HTTP status per denial code, overriding SPEC §7's. */
  statuses?: Partial<Record<DenialCode, number>>;
  /** `cloudfront`: every denial answers 401 (before `statuses`). */
  preset?: 'cloudfront';
  /** Carrier names (SPEC §6). */
  params?: { token?: string; st?: string; e?: string; cookie?: string; pathSegment?: string };
  /** The clock: a fixed date or a function returning now. Default the system clock. */
  currentDate?: Date | (() => Date);
  /**
   * Web origins (`https://app.example`) whose pages may read a denial cross-origin,
   * or `'*'` for any: a denial to a request whose `Origin` is allowed carries
   * `Access-Control-Allow-Origin` and exposes `x-urlseal-error`, so a player can
   * tell an expired link (renew) from a forbidden one (stop). Default none.
   */
  cors?: string[] | '*';
  /**
   * Sealed tokens (compact JWE, docs/spec.md §9): `allow` (default) takes a JWS or a
   * sealed token, `require` only sealed ones, `deny` only a JWS. The other kind
   * answers `ERR_ALG_NOT_ALLOWED`.
   */
  sealed?: SealedMode;
  /**
   * The `CMCD` query parameter (Common Media Client Data, CTA-5004) that players
   * add to media requests: `pass` (default) forwards it to the origin as sent,
   * `drop` removes it from the forwarded request (so an origin or cache keys on
   * the URL alone). Either way it is never a token carrier.
   */
  cmcd?: CmcdMode;
  /**
   * Per-user and per-session revocation (docs/spec.md §9 "Revocation"): a
   * source, the answer to a store fault (required: `'deny'` or `'allow'`), and
   * how long answers are cached (seconds, default 10, at most 30).
   */
  revocation?: RevocationOptions;
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions {
  readonly keyring: Keyring;
  readonly maxTtl: number;
  readonly leeway: number;
  readonly audience: ReadonlySet<string> | undefined;
  readonly issuer: ReadonlySet<string> | undefined;
  readonly algorithms: ReadonlySet<string> | undefined;
  readonly statuses: Record<DenialCode, number>;
  readonly params: TokenParams;
  /** Now, in Unix milliseconds; NaN when a `currentDate` function gives no valid Date (it never throws). */
  readonly clock: () => number;
  /** Origins that may read denials, `'*'` for any, or none. */
  readonly cors: ReadonlySet<string> | '*' | undefined;
  readonly sealed: SealedMode;
  readonly cmcd: CmcdMode;
  /** The revocation check with its cache, when a source is configured. */
  readonly revocation: PreparedRevocation | undefined;
}

const OPTION_NAMES = new Set([
  'keyring', 'maxTtl', 'clockTolerance', 'audience', 'issuer', 'algorithms',
  'statuses', 'preset', 'params', 'currentDate', 'cors', 'sealed', 'cmcd', 'revocation',
]);
const ALGORITHMS = new Set<string>(['HS256', 'HS384', 'HS512', 'ES256', 'EdDSA', 'RS256', 'PS256']);

function optionError(name: string, problem: string): never {
  throw new TypeError(`createVerifier: option "${name}" ${problem}`);
}

function readSeconds(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    optionError(name, `must be a finite number of seconds ≥ ${min}`);
  }
  return value;
}

function readStringSet(name: string, value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    optionError(name, 'must be a non-empty string or a non-empty array of non-empty strings');
  }
  return new Set(list as string[]);
}

function readAlgorithms(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && ALGORITHMS.has(v))) {
    optionError('algorithms', 'must be a non-empty array of HS256, HS384, HS512, ES256, EdDSA, RS256, PS256');
  }
  return new Set(value as string[]);
}

function readStatuses(statuses: unknown, preset: unknown): Record<DenialCode, number> {
  if (preset !== undefined && preset !== 'cloudfront') optionError('preset', 'must be "cloudfront" or absent');
  const table: Record<string, number> = { ...DENIAL_STATUS };
  if (preset === 'cloudfront') for (const code of Object.keys(table)) table[code] = 401;
  if (statuses === undefined) return table as Record<DenialCode, number>;
  if (!isPlainObject(statuses)) optionError('statuses', 'must be an object of denial code → HTTP status');
  for (const [code, status] of Object.entries(statuses)) {
    if (!isDenialCode(code)) optionError(`statuses.${code}`, 'is not a denial code');
    if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
      optionError(`statuses.${code}`, 'must be an integer HTTP status from 400 to 599');
    }
    table[code] = status as number;
  }
  return table as Record<DenialCode, number>;
}


// A Web origin as a browser sends it in `Origin`: scheme, host, optional port, nothing else.
const WEB_ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const CORS_SHAPE = 'must be "*" or a non-empty array of origins such as "https://app.example" (scheme, host, optional port)';

/**
 * One `cors` entry, exactly as a browser writes `Origin` (RFC 6454 serialisation:
 * lower-case scheme and host, no default port, no path or trailing slash), or why
 * not. An entry spelled otherwise would never match: refused, naming the spelling
 * to use.
 */
function readWebOrigin(value: unknown, index: number): string {
  if (typeof value !== 'string') return optionError('cors', CORS_SHAPE);
  const entry = `entry ${index + 1}`; // described, never echoed (SPEC v1.2 "Messages")
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const serialised = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' ? url.origin : undefined;
  if (serialised === value && WEB_ORIGIN.test(value)) return value;
  if (serialised === undefined || url?.search !== '' || url?.hash !== '' || url?.pathname !== '/') {
    return optionError('cors', `${entry} is not an origin: write scheme, host and optional port only, e.g. "https://app.example"`);
  }
  return optionError('cors', `${entry} is not spelled as a browser sends Origin: write ${JSON.stringify(serialised)} (lower case, no default port, no trailing slash)`);
}

/** The `cors` option: none, `'*'`, or the set of origins, each spelled as a browser sends `Origin` (else a TypeError). */
export function readCors(value: unknown): ReadonlySet<string> | '*' | undefined {
  if (value === undefined || value === '*') return value;
  if (!Array.isArray(value) || value.length === 0) optionError('cors', CORS_SHAPE);
  return new Set((value as unknown[]).map((entry, index) => readWebOrigin(entry, index)));
}

/** The `sealed` option: `allow` when absent; any other value than allow, require or deny is a TypeError. */
export function readSealed(value: unknown): SealedMode {
  if (value === undefined) return 'allow';
  if (value !== 'allow' && value !== 'require' && value !== 'deny') optionError('sealed', 'must be "allow", "require" or "deny"');
  return value;
}

/** What the edge does with a `CMCD` query parameter (docs/spec.md §9 "CMCD"). */
export type CmcdMode = 'pass' | 'drop';

/** The `cmcd` option: `pass` when absent; any other value than pass or drop is a TypeError. */
export function readCmcd(value: unknown): CmcdMode {
  if (value === undefined) return 'pass';
  if (value !== 'pass' && value !== 'drop') optionError('cmcd', 'must be "pass" or "drop"');
  return value;
}

/**
 * A clock that never throws: a `currentDate` function that fails reads as NaN,
 * so every reader (the decision answers 503, metrics skip the sample) fails closed.
 */
function readTimeOrNaN(clock: () => number): () => number {
  return () => {
    try {
      return clock();
    } catch {
      return Number.NaN;
    }
  };
}

/** Validates every option of createVerifier and fills in the defaults. */
export function readVerifierOptions(options: VerifierOptions): ResolvedOptions {
  if (!isPlainObject(options)) throw new TypeError('createVerifier: options must be an object with a "keyring"');
  for (const name of Object.keys(options)) if (!OPTION_NAMES.has(name)) optionError(name, 'is unknown');
  if (options.keyring === undefined) optionError('keyring', 'is required');
  return {
    keyring: readKeyring(options.keyring, 'createVerifier'),
    maxTtl: readSeconds('maxTtl', options.maxTtl, DEFAULT_MAX_TTL, 1),
    leeway: readSeconds('clockTolerance', options.clockTolerance, DEFAULT_LEEWAY, 0),
    audience: readStringSet('audience', options.audience),
    issuer: readStringSet('issuer', options.issuer),
    algorithms: readAlgorithms(options.algorithms),
    statuses: readStatuses(options.statuses, options.preset),
    params: readTokenParams(options.params, 'createVerifier'),
    clock: readTimeOrNaN(readClock(options.currentDate, 'createVerifier')),
    cors: readCors(options.cors),
    sealed: readSealed(options.sealed),
    cmcd: readCmcd(options.cmcd),
    revocation: readRevocation(options.revocation),
  };
}
