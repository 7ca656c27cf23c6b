// The one decision (SPEC §7), made once per request over a minimal view of it.
// Order: method → canonical request path → token presence, size and shape →
// kid and alg → signature → time → path grant → ip. Every path ends in a
// Decision: any exception is a denial, never a pass and never a 500.
import { findSource, scanQuery, type QueryScan, type TokenSource } from './carriers.js';
import { UrlsealError, isDenialCode, type DenialCode } from './errors.js';
import { ipInRange } from './ip.js';
import { checkClaims, type Claims } from './jwt.js';
import { matchesGrant } from './path.js';
import type { Prepared } from './prepare.js';
import { parseSecureToken } from './secure-token.js';
import { readTarget, type Target } from './target.js';

/**
 * The token scheme a request was granted by.
 *
 * @example
 * ```ts
 * import type { Scheme } from '@urlseal/edge';
 * const scheme: Scheme = 'secure-token'; // the legacy md5 links
 * ```
 */
export type Scheme = 'jwt' | 'secure-token';

/**
 * The parts of a request the decision reads. Adapters build it from their
 * runtime's request without copying anything they do not need.
 *
 * @example
 * ```ts
 * import type { RequestView } from '@urlseal/edge';
 * const view: RequestView = {
 *   method: 'GET',
 *   target: '/videos/a.mp4?token=eyJ…', // the raw request-target, as received
 *   header: () => undefined,           // a header by lower-case name
 *   clientIp: '203.0.113.7',
 * };
 * ```
 */
export interface RequestView {
  readonly method: string;
  /** The raw request-target as received: origin-form (`/path?query`) or absolute-form. */
  readonly target: string;
  /** A header value by lower-case name (repeated headers joined as the runtime joins them). */
  header(name: string): string | undefined;
  /** The client address for `ip` claims; read only when a token has one. */
  readonly clientIp?: string | undefined;
}

/**
 * A denial: the SPEC §7 code, the status it answers with, and a `detail` for
 * logs (which check or claim failed; never a token, claim value or secret, and
 * never sent to the client).
 *
 * @example
 * ```ts
 * import type { Denial } from '@urlseal/edge';
 * const denial: Denial = { ok: false, status: 410, code: 'ERR_TOKEN_EXPIRED', detail: 'exp' };
 * ```
 */
export interface Denial {
  readonly ok: false;
  readonly status: number;
  readonly code: DenialCode;
  readonly detail?: string | undefined;
  /** The request's `Origin`, when the verifier's `cors` option lets that page read the denial. */
  readonly allowOrigin?: string | undefined;
  /** The scheme of the token that was checked; absent when the request was denied before a token was found. */
  readonly scheme?: Scheme | undefined;
}

/**
 * What an HLS manifest in the answer needs to carry the request's token on to
 * every URI inside the grant (SPEC §7): present when a JWT came in the query of a GET.
 *
 * @example
 * ```ts
 * import type { ManifestGrant } from '@urlseal/edge';
 * const manifest: ManifestGrant = { token: 'eyJ…', grant: ['/videos/course-1/*'] };
 * ```
 */
export interface ManifestGrant {
  readonly token: string;
  readonly grant: readonly string[];
}

/**
 * A granted request: the scheme, the verified claims, the canonical path that
 * was checked, and the request-target to forward (the raw path without a path
 * token, the query without any `token`/`st`/`e` parameter). Headers are
 * forwarded through `forwardHeader`, which removes the other carriers.
 *
 * @example
 * ```ts
 * import type { Grant } from '@urlseal/edge';
 * const grant: Grant = {
 *   ok: true, scheme: 'jwt', claims: { exp: 1_900_000_000, path: '/videos/*' },
 *   path: '/videos/a.mp4', target: '/videos/a.mp4?x=1', manifest: undefined,
 * };
 * ```
 */
export interface Grant {
  readonly ok: true;
  readonly scheme: Scheme;
  readonly claims: Claims;
  readonly path: string;
  readonly target: string;
  readonly manifest: ManifestGrant | undefined;
}

/**
 * The one answer to a request: {@link Grant} or {@link Denial}.
 *
 * @example
 * ```ts
 * import { createVerifier, type Decision } from '@urlseal/edge';
 * const verifier = createVerifier({ keyring: process.env.URLSEAL_KEYRING! });
 * const decision: Decision = await verifier.decide({ method: 'GET', target: '/videos/a.mp4', header: () => undefined });
 * if (!decision.ok) console.log(decision.code, decision.detail); // ERR_TOKEN_MISSING
 * ```
 */
export type Decision = Grant | Denial;

/** A token-level result: granted with the claims and the grant, or denied. */
export type Checked = { readonly ok: true; readonly claims: Claims; readonly grant: readonly string[] | undefined } | Denial;

/** Synchronous when the crypto backend is (node:crypto), a promise otherwise (crypto.subtle). */
export type MaybeAsync<T> = T | Promise<T>;

/** Works across realms (a vm context has its own Promise). */
export function isThenable<T>(value: MaybeAsync<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function deny(p: Prepared, code: DenialCode, detail?: string): Denial {
  return { ok: false, status: p.statuses[code], code, detail };
}

/** Fail closed: a coded UrlsealError keeps its code, anything else is malformed input. */
export function failClosed(p: Prepared, error: unknown): Denial {
  return error instanceof UrlsealError && isDenialCode(error.code)
    ? deny(p, error.code, error.message)
    : deny(p, 'ERR_TOKEN_MALFORMED', 'exception');
}

/** Now in whole Unix seconds; an unusable clock is the server's fault (503), not the client's. */
function nowSeconds(p: Prepared): number {
  let now: number;
  try {
    now = Math.floor(p.clock() / 1000);
  } catch {
    now = Number.NaN;
  }
  if (!Number.isSafeInteger(now)) throw new UrlsealError('ERR_KEYRING_UNAVAILABLE', 'clock');
  return now;
}

/**
 * Decides one request. Synchronous on the node:crypto backend; a promise when
 * a signature check is asynchronous (crypto.subtle). Never throws.
 */
export function decide(p: Prepared, view: RequestView): MaybeAsync<Decision> {
  const decided = decideChecks(p, view);
  if (p.cors === undefined) return decided;
  return isThenable(decided) ? decided.then((d) => readableBy(p, view, d)) : readableBy(p, view, decided);
}

/** A denial the requesting page may read (the `cors` option), or the decision as it is. */
function readableBy(p: Prepared, view: RequestView, decision: Decision): Decision {
  if (decision.ok) return decision;
  try {
    const origin = view.header('origin');
    if (origin === undefined || (p.cors !== '*' && !p.cors?.has(origin))) return decision;
    return { ...decision, allowOrigin: p.cors === '*' ? '*' : origin };
  } catch {
    return decision;
  }
}

function decideChecks(p: Prepared, view: RequestView): MaybeAsync<Decision> {
  try {
    if (view.method !== 'GET' && view.method !== 'HEAD') return deny(p, 'ERR_METHOD_NOT_ALLOWED', 'method');
    const target = readTarget(view.target, p.params.pathSegment);
    if (target === undefined) return deny(p, 'ERR_PATH_NONCANONICAL', 'target');
    const query = scanQuery(target.query, p.params);
    const source = findSource(target, query, (name) => view.header(name), p.params);
    if (source === 'missing') return deny(p, 'ERR_TOKEN_MISSING');
    if (source === 'malformed') return deny(p, 'ERR_TOKEN_MALFORMED', 'carrier');
    const checked =
      source.scheme === 'jwt'
        ? checkJwt(p, source.token, target.path, view)
        : checkSecureToken(p, source.st, source.e, target.path);
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
  if (!checked.ok) return { ...checked, scheme: source.scheme };
  const manifest =
    source.scheme === 'jwt' && source.carrier === 'query' && view.method === 'GET' && checked.grant !== undefined
      ? { token: source.token, grant: checked.grant }
      : undefined;
  return {
    ok: true,
    scheme: source.scheme,
    claims: checked.claims,
    path: target.path,
    target: target.rawPath + query.forward,
    manifest,
  };
}

/** JWT checks for a canonical decoded path: shape, kid and alg, signature, then the claims. */
export function checkJwt(p: Prepared, token: string, path: string, client: { readonly clientIp?: string | undefined }): MaybeAsync<Checked> {
  const parsed = p.parseJwt(token);
  if (parsed === undefined) return deny(p, 'ERR_TOKEN_MALFORMED', 'jws');
  const { header } = parsed;
  const key = typeof header.kid === 'string' ? p.keys.get(header.kid) : undefined;
  if (key === undefined) return deny(p, 'ERR_KID_UNKNOWN', 'kid');
  if (header.alg !== key.alg || (p.algorithms !== undefined && !p.algorithms.has(key.alg))) {
    return deny(p, 'ERR_ALG_NOT_ALLOWED', 'alg');
  }
  if (parsed.signature.length !== key.signatureLength) return deny(p, 'ERR_SIGNATURE_INVALID', 'signature length');
  const valid = key.check(parsed.signingInput, parsed.signature);
  if (!isThenable(valid)) return afterSignature(p, valid, parsed.payload, path, client);
  return valid.then((ok) => afterSignature(p, ok, parsed.payload, path, client));
}

function afterSignature(p: Prepared, valid: boolean, payload: Record<string, unknown>, path: string, client: { readonly clientIp?: string | undefined }): Checked {
  if (!valid) return deny(p, 'ERR_SIGNATURE_INVALID', 'signature');
  const checked = checkClaims(payload, nowSeconds(p), p.policy);
  if ('code' in checked) return deny(p, checked.code, checked.claim);
  if (!matchesGrant(path, checked.grant)) return deny(p, 'ERR_PATH_MISMATCH', 'path');
  if (checked.ip !== undefined) {
    const clientIp = client.clientIp;
    if (typeof clientIp !== 'string' || !ipInRange(clientIp, checked.ip)) return deny(p, 'ERR_IP_MISMATCH', 'ip');
  }
  return { ok: true, claims: checked.claims, grant: checked.grant };
}

/** Secure-token checks for a canonical decoded path (SPEC §5): shape, MAC, then time. */
export function checkSecureToken(p: Prepared, st: string, e: string, path: string): Checked {
  const expires = parseSecureToken(st, e);
  if (expires === undefined) return deny(p, 'ERR_TOKEN_MALFORMED', 'st/e');
  // No legacy secret configured: this verifier does not accept the md5 scheme at all.
  if (p.secureToken.length === 0) return deny(p, 'ERR_ALG_NOT_ALLOWED', 'secure-token disabled');
  let match = false;
  // Every secret is tried, even after a match, so timing does not tell which one.
  for (const matches of p.secureToken) if (matches(path, e, st)) match = true;
  if (!match) return deny(p, 'ERR_SIGNATURE_INVALID', 'st');
  const now = nowSeconds(p);
  // nginx secure_link semantics: expired strictly after `e`, no leeway.
  if (expires < now) return deny(p, 'ERR_TOKEN_EXPIRED', 'e');
  if (expires - now > p.policy.maxTtl) return deny(p, 'ERR_CLAIM_INVALID', 'e beyond maxTtl');
  return { ok: true, claims: { exp: expires }, grant: undefined };
}
