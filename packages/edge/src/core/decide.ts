// The one decision (SPEC §7), made once per request over a minimal view of it.
// Order: method → canonical request path → token presence, size and shape →
// kid and alg → signature → time → path grant → ip. Every path ends in a
// Decision: any exception is a denial, never a pass and never a 500. On the
// JavaScript floor (scripts/floor.js): CloudFront Functions and njs run it too.
import { findSource, scanQuery, withoutQueryParameter, type QueryScan, type TokenSource } from '../contract/carriers.js';
import {
  ERR_ALG_NOT_ALLOWED,
  ERR_GEO_MISMATCH,
  ERR_IP_MISMATCH,
  ERR_KEYRING_UNAVAILABLE,
  ERR_KID_UNKNOWN,
  ERR_METHOD_NOT_ALLOWED,
  ERR_PATH_MISMATCH,
  ERR_PATH_NONCANONICAL,
  ERR_SIGNATURE_INVALID,
  ERR_TOKEN_EXPIRED,
  ERR_TOKEN_MALFORMED,
  ERR_TOKEN_MISSING,
  ERR_CLAIM_INVALID,
  isDenialCode,
  type DenialCode,
} from '../contract/codes.js';
import type { Claims, ParsedJwt } from '../contract/jwt.js';
import { matchesGrant } from '../contract/path.js';
import { ASYNC, DETAILS } from '../lib/flags.js';
import type { Checked, Client, Decision, Denial, Grant, ManifestGrant, MaybeAsync, Prepared, PreparedKey, RequestView, Scheme } from './types.js';

export type { Checked, Client, Decision, Denial, Grant, ManifestGrant, MaybeAsync, RequestView, Scheme } from './types.js';
import type { SecureTokenCheck } from './crypto/backend.js';
import { parseSecureToken } from '../contract/secure-token.js';
import { readTarget, type Target } from '../contract/target.js';

/** Works across realms (a vm context has its own Promise). */
export function isThenable<T>(value: MaybeAsync<T>): value is Promise<T> {
  return ASYNC && !!value && typeof (value as { then?: unknown }).then === 'function';
}

/** `next(value)`, now when `value` is settled, else when it settles: sync backends pay no promise. */
function then<T, R>(value: MaybeAsync<T>, next: (settled: T) => MaybeAsync<R>): MaybeAsync<R> {
  return isThenable(value) ? value.then(next) : next(value);
}

/** A denial with the status `p` answers for `code`; `detail` is for logs (`DETAILS && '…'`: lib/flags.ts). */
export function deny(p: Prepared, code: DenialCode, detail?: string | false): Denial {
  // Without details (the floor) the argument goes unread, so the minifier drops it at every call.
  return DETAILS ? { ok: false, status: p.statuses[code], code, detail: detail || undefined } : { ok: false, status: p.statuses[code], code };
}

/**
 * Fail closed: an error carrying a denial code (a `UrlsealError` from a crypto
 * backend, e.g. a key this runtime cannot import) keeps its code; anything
 * else is malformed input. Read by shape, not `instanceof`: the class is not
 * on the JavaScript floor, and either way the answer is a denial.
 */
export function failClosed(p: Prepared, error: unknown): Denial {
  // Object(): an object as it is, a primitive boxed, null and undefined as {}.
  const coded = Object(error) as { code?: unknown; message?: unknown };
  return isDenialCode(coded.code)
    ? deny(p, coded.code, DETAILS && (typeof coded.message === 'string' ? coded.message : coded.code))
    : deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'exception');
}

/** The query parameter of Common Media Client Data (CTA-5004). */
const CMCD = 'CMCD';

/** Now in whole Unix seconds; `undefined` when the clock fails (the server's fault: 503, not the client's). */
function nowSeconds(p: Prepared): number | undefined {
  const now = Math.floor(p.clock() / 1000);
  return Number.isSafeInteger(now) ? now : undefined;
}

/**
 * Decides one request. Synchronous on the node:crypto backend; a promise when
 * a signature check is asynchronous (crypto.subtle). Never throws.
 */
export function decide(p: Prepared, view: RequestView): MaybeAsync<Decision> {
  const decided = decideChecks(p, view);
  // The floor builds take no cors option: esbuild drops this statement there (scripts/floor.js).
  NOT_ON_FLOOR: if (p.cors !== undefined) return then(decided, (d) => readableBy(p.cors, view, d));
  return decided;
}

/**
 * A denial the requesting page may read (the `cors` option), or the decision as
 * it is; for adapters' own denials too (a live verifier with no keyring yet,
 * Express's mount path), so every denial honours `cors`.
 */
export function readableBy<D extends Decision>(cors: Prepared['cors'], view: RequestView, decision: D): D {
  if (decision.ok) return decision;
  try {
    const origin = view.header('origin');
    if (origin === undefined || cors === undefined || (cors !== '*' && !cors.has(origin))) return decision;
    // Object.assign, not spread: the JavaScript floor has no object spread.
    return Object.assign({}, decision, { allowOrigin: cors === '*' ? '*' : origin });
  } catch {
    return decision;
  }
}

function decideChecks(p: Prepared, view: RequestView): MaybeAsync<Decision> {
  try {
    if (view.method !== 'GET' && view.method !== 'HEAD') return deny(p, ERR_METHOD_NOT_ALLOWED, DETAILS && 'method');
    const target = readTarget(view.target, p.pathPrefix);
    if (target === undefined) return deny(p, ERR_PATH_NONCANONICAL, DETAILS && 'target');
    let query = scanQuery(target.query, p.params);
    // The cmcd option (docs/spec.md §9 "CMCD"); the floor bundles take no options and pass it.
    NOT_ON_FLOOR: if (p.dropCmcd === true) query = withoutQueryParameter(query, CMCD);
    const source = findSource(target, query, (name) => view.header(name), p.params);
    if (source === 'missing') return deny(p, ERR_TOKEN_MISSING);
    if (source === 'malformed') return deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'carrier');
    const checked =
      source.scheme === 'jwt'
        ? p.checkJwt(p, source.token, target.path, view)
        : p.checkSecureToken(p, source.st, source.e, target.path);
    if (!isThenable(checked)) return toDecision(view, target, query, source, checked);
    return checked.then(
      (outcome) => toDecision(view, target, query, source, outcome),
      (error: unknown) => failClosed(p, error),
    );
  } catch (error) {
    return failClosed(p, error);
  }
}

function toDecision(view: RequestView, target: Target, query: QueryScan, source: Exclude<TokenSource, string>, checked: Checked): Decision {
  if (!checked.ok) {
    let denial: Denial = checked;
    // The scheme is for metrics and logs, which the floor bundles have neither of (scripts/floor.js).
    NOT_ON_FLOOR: denial = Object.assign({}, checked, { scheme: source.scheme });
    return denial;
  }
  let manifest: Grant['manifest'];
  // No floor bundle rewrites manifests (scripts/floor.js drops this statement there).
  NOT_ON_FLOOR: if (source.scheme === 'jwt' && source.carrier === 'query' && view.method === 'GET' && checked.grant !== undefined) {
    manifest = { token: source.token, grant: checked.grant };
  }
  const claims = checked.claims;
  NOT_ON_FLOOR: return { ok: true, scheme: source.scheme, claims, path: target.path, target: target.rawPath + query.forward, manifest };
  // The floor bundles (scripts/floor.js drops the statement above) have no manifest to name.
  return { ok: true, scheme: source.scheme, claims, path: target.path, target: target.rawPath + query.forward };
}

/** A JWT's shape, then its kid (SPEC §7 order): the parsed token, whose `kid` is a string, or the denial. */
function readJwt(p: Prepared, token: string): ParsedJwt | Denial {
  const parsed = p.parseJwt(token);
  if (parsed === undefined) return deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'jws');
  return typeof parsed.header.kid === 'string' ? parsed : deny(p, ERR_KID_UNKNOWN, DETAILS && 'kid');
}

/** JWT checks for a canonical decoded path: shape, kid and alg, signature, then the claims. */
export function checkJwt(p: Prepared, token: string, path: string, client: Client): MaybeAsync<Checked> {
  const parsed = readJwt(p, token);
  if ('code' in parsed) return parsed;
  // A key source may answer later (a key-value store read at the edge).
  return then(p.keys.get(parsed.header.kid as string), (key) => withKey(p, parsed, key, path, client));
}

/**
 * The JWT answer of an edge that holds no JWT key (built for secure-token
 * only): `checkJwt` over an empty keyring, without the code it cannot reach.
 */
export function refuseJwt(p: Prepared, token: string): Checked {
  const parsed = readJwt(p, token);
  return 'code' in parsed ? parsed : deny(p, ERR_KID_UNKNOWN, DETAILS && 'kid');
}

function withKey(p: Prepared, parsed: ParsedJwt, key: PreparedKey | undefined, path: string, client: Client): MaybeAsync<Checked> {
  if (key === undefined) return deny(p, ERR_KID_UNKNOWN, DETAILS && 'kid');
  if (parsed.header.alg !== key.alg) return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'alg');
  // The `algorithms` option. No floor bundle takes it (scripts/floor.js drops this statement):
  // a key they cannot verify has the alg NaN there, which no header matches (crypto/module.ts).
  NOT_ON_FLOOR: if (p.algorithms !== undefined && !p.algorithms.has(key.alg)) return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'alg');
  if (parsed.signature.length !== key.signatureLength) return deny(p, ERR_SIGNATURE_INVALID, DETAILS && 'signature length');
  return then(key.check(parsed.signingInput, parsed.signature), (valid) => afterSignature(p, valid, parsed.payload, path, client));
}

/** The checks after a valid signature (or decryption): claims, path grant, ip. */
export function afterSignature(p: Prepared, valid: boolean, payload: Record<string, unknown>, path: string, client: Client): Checked {
  // `!== true`, not falsy: a check that answered a promise where none was expected (a
  // bundle built synchronous, lib/flags.ts ASYNC) is a denial, never a grant.
  if (valid !== true) return deny(p, ERR_SIGNATURE_INVALID, DETAILS && 'signature');
  const now = nowSeconds(p);
  if (now === undefined) return deny(p, ERR_KEYRING_UNAVAILABLE, DETAILS && 'clock');
  const checked = p.checkClaims(payload, now, p.policy);
  if ('code' in checked) return deny(p, checked.code, DETAILS && checked.claim);
  if (!matchesGrant(path, checked.grant)) return deny(p, ERR_PATH_MISMATCH, DETAILS && 'path');
  if (checked.ip !== undefined && !checked.ip(client.clientIp)) return deny(p, ERR_IP_MISMATCH, DETAILS && 'ip');
  // Dropped from floor bundles without a country (scripts/floor.js): checkCoreClaims denied any geo claim there.
  COUNTRY_RULES: if (checked.geo !== undefined && !checked.geo(client.country)) return deny(p, ERR_GEO_MISMATCH, DETAILS && 'geo');
  return { ok: true, claims: checked.claims, grant: checked.grant };
}

/** The expiry of a well-shaped `st`/`e` pair (SPEC §5), or the denial. */
function readSecureToken(p: Prepared, st: string, e: string): number | Denial {
  const expires = parseSecureToken(st, e);
  return expires === undefined ? deny(p, ERR_TOKEN_MALFORMED, DETAILS && 'st/e') : expires;
}

/** No legacy secret configured: this verifier does not accept the md5 scheme at all. */
function secureTokenDisabled(p: Prepared): Denial {
  return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'secure-token disabled');
}

/** Secure-token checks for a canonical decoded path (SPEC §5): shape, MAC, then time. */
export function checkSecureToken(p: Prepared, st: string, e: string, path: string): MaybeAsync<Checked> {
  const expires = readSecureToken(p, st, e);
  if (typeof expires !== 'number') return expires;
  return then(p.secureToken(), (checks) => matchSecureToken(p, checks, st, e, expires, path));
}

/**
 * The secure-token answer of an edge built for JWT only: `checkSecureToken`
 * with no secret, without the code it cannot reach.
 */
export function refuseSecureToken(p: Prepared, st: string, e: string): Checked {
  const expires = readSecureToken(p, st, e);
  return typeof expires !== 'number' ? expires : secureTokenDisabled(p);
}

function matchSecureToken(p: Prepared, checks: readonly SecureTokenCheck[], st: string, e: string, expires: number, path: string): Checked {
  if (checks.length === 0) return deny(p, ERR_ALG_NOT_ALLOWED, DETAILS && 'secure-token disabled');
  let match = false;
  // Every secret is tried, even after a match, so timing does not tell which one.
  for (let i = 0; i < checks.length; i++) if ((checks[i] as SecureTokenCheck)(path, e, st)) match = true;
  if (!match) return deny(p, ERR_SIGNATURE_INVALID, DETAILS && 'st');
  const now = nowSeconds(p);
  if (now === undefined) return deny(p, ERR_KEYRING_UNAVAILABLE, DETAILS && 'clock');
  // nginx secure_link semantics: expired strictly after `e`, no leeway.
  if (expires < now) return deny(p, ERR_TOKEN_EXPIRED, DETAILS && 'e');
  if (expires - now > p.policy.maxTtl) return deny(p, ERR_CLAIM_INVALID, DETAILS && 'e beyond maxTtl');
  return { ok: true, claims: { exp: expires } };
}
