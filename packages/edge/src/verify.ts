// The ordered checks of SPEC §7 and `createVerifier` (options: options.ts). Order: method → canonical
// request path → token presence, size and shape → kid and alg → signature →
// time → path grant → ip. Every path through here ends in a result: any
// exception becomes a denial, never a pass and never a 500.
import type { CryptoBackend, SecureTokenCheck, SignatureCheck } from './crypto/backend.js';
import { DENIAL_STATUS, UrlsealError, isDenialCode, type DenialCode } from './errors.js';
import { ipInRange, type IpRange } from './ip.js';
import { SIGNATURE_BYTES, base64urlLength, checkClaims, createJwtParser, type Claims, type ClaimPolicy } from './jwt.js';
import type { JwtAlgorithm, Keyring } from './keyring.js';
import { readVerifierOptions, type VerifierOptions } from './options.js';
import { isCanonicalDecodedPath, matchesGrant, tryCanonicalPath } from './path.js';
import { parseSecureToken } from './secure-token.js';
import { extractToken, type TokenCarrier } from './token.js';
import { handleRequest } from './handle.js';

export type { VerifierOptions } from './options.js';

/**
 * The token scheme a request was granted by.
 *
 * @example
 * ```ts
 * if (result.ok && result.scheme === 'secure-token') console.log('legacy link');
 * ```
 */
export type Scheme = 'jwt' | 'secure-token';

/**
 * The result of {@link Verifier.verify}: granted with the claims and the
 * carrier-free request to forward, or denied with a code and status.
 *
 * @example
 * ```ts
 * const result: VerifyResult = await verifier.verify(request);
 * if (!result.ok) return denialResponse(result.code, result.status);
 * ```
 */
export type VerifyResult =
  | { readonly ok: true; readonly scheme: Scheme; readonly claims: Claims; readonly forward: Request }
  | Denial;

/**
 * A denial: the SPEC §7 code and the status it answers with.
 *
 * @example
 * ```ts
 * const denial: Denial = { ok: false, status: 410, code: 'ERR_TOKEN_EXPIRED' };
 * return denialResponse(denial.code, denial.status);
 * ```
 */
export interface Denial {
  readonly ok: false;
  readonly status: number;
  readonly code: DenialCode;
}

/**
 * The parts of a request the core reads, for Node adapters that never build a
 * Web `Request`.
 *
 * @example
 * ```ts
 * const view: RequestView = {
 *   method: req.method!, target: req.url!,
 *   header: (name) => { const v = req.headers[name]; return Array.isArray(v) ? v.join(', ') : v; },
 *   clientIp: req.socket.remoteAddress,
 * };
 * ```
 */
export interface RequestView {
  readonly method: string;
  /** The raw request-target as received: path and optional `?query` (Node's `req.url`). */
  readonly target: string;
  /** A header value by lower-case name. */
  header(name: string): string | undefined;
  readonly clientIp?: string | undefined;
}

/**
 * The result of {@link Verifier.check}: on success the request-target to
 * forward (every token carrier removed) and the header changes to make.
 *
 * @example
 * ```ts
 * const result: CheckResult = await verifier.check(view);
 * if (result.ok && result.deleteAuthorization) delete headers.authorization;
 * ```
 */
export type CheckResult =
  | {
      readonly ok: true;
      readonly scheme: Scheme;
      readonly claims: Claims;
      readonly target: string;
      readonly deleteAuthorization: boolean;
      /** `undefined`: leave the Cookie header; `null`: delete it; a string: replace it with this. */
      readonly cookie: string | null | undefined;
    }
  | Denial;

/**
 * The result of {@link Verifier.verifyToken}.
 *
 * @example
 * ```ts
 * const result: TokenResult = await verifier.verifyToken(jwt, '/videos/a.mp4');
 * ```
 */
export type TokenResult = { readonly ok: true; readonly scheme: Scheme; readonly claims: Claims } | Denial;

/**
 * Per-call inputs the request itself cannot tell.
 *
 * @example
 * ```ts
 * await verifier.verify(request, { clientIp: req.socket.remoteAddress, rawPath: req.url });
 * ```
 */
export interface VerifyCallOptions {
  /** The client address for `ip` claims (socket peer, or a trusted proxy's header). */
  clientIp?: string | undefined;
  /** The raw path (optionally with `?query`) as received, before WHATWG URL normalisation. */
  rawPath?: string | undefined;
}

/**
 * A verifier made by {@link createVerifier}.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ keyring });
 * export default { fetch: (request: Request) => verifier.handle(request, (forward) => fetch(forward)) };
 * ```
 */
export interface Verifier {
  /** Checks a Web `Request`; on success gives the carrier-free request to forward. */
  verify(request: Request, opts?: VerifyCallOptions): Promise<VerifyResult>;
  /** Verifies, forwards to the origin and returns its response (or a denial). */
  handle(
    request: Request,
    fetchOrigin: (forward: Request) => Promise<Response>,
    opts?: VerifyCallOptions,
  ): Promise<Response>;
  /** Checks a {@link RequestView}: the same as `verify` without building a `Request`. */
  check(view: RequestView): Promise<CheckResult>;
  /** Verifies a JWT for an already-canonical decoded path (token level only; no method or carrier logic). */
  verifyToken(token: string, path: string, opts?: { clientIp?: string | undefined }): Promise<TokenResult>;
  /** Verifies a secure-token `st`/`e` pair for an already-canonical decoded path (token level only). */
  verifySecureToken(st: string, e: string, path: string): Promise<TokenResult>;
}

/** What `handle` needs beyond the public result: how the token travelled, for HLS rewriting. */
export type DetailedResult =
  | {
      readonly ok: true;
      readonly scheme: Scheme;
      readonly claims: Claims;
      readonly forward: Request;
      readonly carrier: TokenCarrier;
      readonly token: string | undefined;
      readonly grant: readonly string[] | undefined;
    }
  | Denial;

type Outcome =
  | { readonly ok: true; readonly claims: Claims; readonly grant: readonly string[] | undefined }
  | Denial;

interface PreparedKey {
  readonly alg: JwtAlgorithm;
  /** Length of the signature segment this key's algorithm produces. */
  readonly signatureLength: number;
  readonly check: SignatureCheck;
}

function prepareKeys(keyring: Keyring, backend: CryptoBackend): Map<string, PreparedKey> {
  const keys = new Map<string, PreparedKey>();
  for (const [kid, entry] of keyring.keys) {
    const signatureLength = base64urlLength(SIGNATURE_BYTES[entry.alg]);
    keys.set(kid, { alg: entry.alg, signatureLength, check: backend.importKey(entry) });
  }
  return keys;
}

/**
 * Creates a verifier over a given crypto backend. `createVerifier` (from
 * `@urlseal/edge`) is this bound to the right backend for the runtime.
 *
 * @example
 * ```ts
 * import { createVerifierWith, webCrypto } from '@urlseal/edge';
 * const verifier = createVerifierWith(webCrypto, { keyring });
 * ```
 */
export function createVerifierWith(backend: CryptoBackend, options: VerifierOptions): Verifier {
  const { keyring, maxTtl, leeway, audience, issuer, algorithms, statuses, params, clock } = readVerifierOptions(options);
  const keys = prepareKeys(keyring, backend);
  const secureTokenChecks: readonly SecureTokenCheck[] = keyring.secureToken.map((secret) => backend.importSecureTokenSecret(secret));
  const parseJwt = createJwtParser((segment) => backend.decodeText(segment));

  const denials = new Map<DenialCode, Denial>();
  for (const code of Object.keys(DENIAL_STATUS) as DenialCode[]) {
    denials.set(code, Object.freeze({ ok: false as const, status: statuses[code], code }));
  }
  const deny = (code: DenialCode): Denial => denials.get(code) as Denial;
  // Fail closed: a coded UrlsealError keeps its code, anything else is malformed input.
  const failClosed = (error: unknown): Denial =>
    deny(error instanceof UrlsealError && isDenialCode(error.code) ? error.code : 'ERR_TOKEN_MALFORMED');

  function nowSeconds(): number {
    const now = Math.floor(clock() / 1000);
    // An unusable clock must never make every token look unexpired.
    if (!Number.isSafeInteger(now)) throw new UrlsealError('ERR_TOKEN_MALFORMED', 'the verifier clock gave no valid time');
    return now;
  }

  const policy: ClaimPolicy = Object.freeze({ leeway, maxTtl, audience, issuer });

  function afterSignature(valid: boolean, payload: Record<string, unknown>, path: string, clientIp: string | undefined): Outcome {
    if (!valid) return deny('ERR_SIGNATURE_INVALID');
    const checked = checkClaims(payload, nowSeconds(), policy);
    if (typeof checked === 'string') return deny(checked);
    if (!matchesGrant(path, checked.grant)) return deny('ERR_PATH_MISMATCH');
    if (checked.ip !== undefined && !clientInRange(clientIp, checked.ip)) return deny('ERR_IP_MISMATCH');
    return { ok: true, claims: checked.claims, grant: checked.grant };
  }

  /** JWT checks after the path is known canonical; synchronous when the backend is. */
  function verifyJwt(token: string, path: string, clientIp: string | undefined): Outcome | Promise<Outcome> {
    const parsed = parseJwt(token);
    if (parsed === undefined) return deny('ERR_TOKEN_MALFORMED');
    const { header } = parsed;
    const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
    if (key === undefined) return deny('ERR_KID_UNKNOWN');
    if (header.alg !== key.alg || (algorithms !== undefined && !algorithms.has(key.alg))) {
      return deny('ERR_ALG_NOT_ALLOWED');
    }
    if (parsed.signature.length !== key.signatureLength) return deny('ERR_SIGNATURE_INVALID');
    const valid = key.check(parsed.signingInput, parsed.signature);
    if (typeof valid === 'boolean') return afterSignature(valid, parsed.payload, path, clientIp);
    return valid.then((ok) => afterSignature(ok, parsed.payload, path, clientIp));
  }

  function verifySecureToken(st: string, e: string, path: string): Outcome {
    const expires = parseSecureToken(st, e);
    if (expires === undefined) return deny('ERR_TOKEN_MALFORMED');
    // No legacy secret configured: this verifier does not accept the md5 scheme at all.
    if (secureTokenChecks.length === 0) return deny('ERR_ALG_NOT_ALLOWED');
    let match = false;
    // Every secret is tried, even after a match, so timing does not tell which one.
    for (const matches of secureTokenChecks) if (matches(path, e, st)) match = true;
    if (!match) return deny('ERR_SIGNATURE_INVALID');
    const now = nowSeconds();
    // nginx secure_link semantics: expired strictly after `e`, no leeway.
    if (expires < now) return deny('ERR_TOKEN_EXPIRED');
    if (expires - now > maxTtl) return deny('ERR_CLAIM_INVALID');
    return { ok: true, claims: { exp: expires }, grant: undefined };
  }

  interface Granted {
    readonly ok: true;
    readonly scheme: Scheme;
    readonly claims: Claims;
    readonly grant: readonly string[] | undefined;
    readonly carrier: TokenCarrier;
    readonly token: string | undefined;
    readonly extracted: ReturnType<typeof extractToken>;
  }

  /** The ordered checks; synchronous unless the crypto backend is asynchronous. */
  function run(view: RequestView): Granted | Denial | Promise<Granted | Denial> {
    if (view.method !== 'GET' && view.method !== 'HEAD') return deny('ERR_METHOD_NOT_ALLOWED');
    if (typeof view.target !== 'string') return deny('ERR_PATH_NONCANONICAL');
    const extracted = extractToken(view.target, (name) => view.header(name) ?? undefined, params);
    // The whole request path must be canonical (a `/_token//x` has an empty
    // segment), and so must what is checked and forwarded after the prefix.
    if (extracted.requestPath !== extracted.rawPath && tryCanonicalPath(extracted.requestPath) === undefined) {
      return deny('ERR_PATH_NONCANONICAL');
    }
    const path = tryCanonicalPath(extracted.rawPath);
    if (path === undefined) return deny('ERR_PATH_NONCANONICAL');
    const source = extracted.source;
    if (source === 'missing') return deny('ERR_TOKEN_MISSING');
    if (source === 'malformed') return deny('ERR_TOKEN_MALFORMED');
    if (source.scheme === 'secure-token') {
      return granted(verifySecureToken(source.st, source.e, path), 'secure-token', source.carrier, undefined, extracted);
    }
    const outcome = verifyJwt(source.token, path, view.clientIp ?? undefined);
    return outcome instanceof Promise
      ? outcome.then((o) => granted(o, 'jwt', source.carrier, source.token, extracted))
      : granted(outcome, 'jwt', source.carrier, source.token, extracted);
  }

  function granted(
    outcome: Outcome,
    scheme: Scheme,
    carrier: TokenCarrier,
    token: string | undefined,
    extracted: ReturnType<typeof extractToken>,
  ): Granted | Denial {
    if (!outcome.ok) return outcome;
    return { ok: true, scheme, claims: outcome.claims, grant: outcome.grant, carrier, token, extracted };
  }

  function toCheckResult(result: Granted | Denial): CheckResult {
    if (!result.ok) return result;
    const { extracted } = result;
    return {
      ok: true,
      scheme: result.scheme,
      claims: result.claims,
      target: extracted.target,
      deleteAuthorization: extracted.deleteAuthorization,
      cookie: extracted.cookie,
    };
  }

  function viewOf(request: Request, opts: VerifyCallOptions | undefined): { view: RequestView; origin: string } {
    const url = new URL(request.url);
    const raw = opts?.rawPath;
    const target = raw === undefined ? url.pathname + url.search : raw.includes('?') ? raw : raw + url.search;
    const view: RequestView = {
      method: request.method,
      target,
      header: (name) => request.headers.get(name) ?? undefined,
      clientIp: opts?.clientIp,
    };
    return { view, origin: url.origin };
  }

  function forwardRequest(request: Request, origin: string, granted: Granted): Request {
    const { extracted } = granted;
    const headers = new Headers(request.headers);
    if (extracted.deleteAuthorization) headers.delete('authorization');
    if (extracted.cookie === null) headers.delete('cookie');
    else if (extracted.cookie !== undefined) headers.set('cookie', extracted.cookie);
    // `manual`: a reverse proxy hands redirects to the client instead of following them.
    return new Request(origin + extracted.target, {
      method: request.method,
      headers,
      redirect: 'manual',
      signal: request.signal,
    });
  }

  async function verifyDetailed(request: Request, opts?: VerifyCallOptions): Promise<DetailedResult> {
    try {
      const { view, origin } = viewOf(request, opts);
      const result = await run(view);
      if (!result.ok) return result;
      return {
        ok: true,
        scheme: result.scheme,
        claims: result.claims,
        forward: forwardRequest(request, origin, result),
        carrier: result.carrier,
        token: result.token,
        grant: result.grant,
      };
    } catch (error) {
      return failClosed(error);
    }
  }

  const verifier: Verifier = {
    async verify(request, opts) {
      const result = await verifyDetailed(request, opts);
      return result.ok ? { ok: true, scheme: result.scheme, claims: result.claims, forward: result.forward } : result;
    },
    handle(request, fetchOrigin, opts) {
      return handleRequest(verifyDetailed, request, fetchOrigin, opts, params);
    },
    check(view) {
      try {
        const result = run(view);
        return result instanceof Promise
          ? result.then(toCheckResult, failClosed)
          : Promise.resolve(toCheckResult(result));
      } catch (error) {
        return Promise.resolve(failClosed(error));
      }
    },
    verifyToken(token, path, opts) {
      try {
        if (typeof token !== 'string') return Promise.resolve(deny('ERR_TOKEN_MISSING'));
        if (!isCanonicalDecodedPath(path)) return Promise.resolve(deny('ERR_PATH_NONCANONICAL'));
        const outcome = verifyJwt(token, path, opts?.clientIp);
        return outcome instanceof Promise ? outcome.then(toTokenResult, failClosed) : Promise.resolve(toTokenResult(outcome));
      } catch (error) {
        return Promise.resolve(failClosed(error));
      }
    },
    verifySecureToken(st, e, path) {
      try {
        if (typeof st !== 'string' || typeof e !== 'string') return Promise.resolve(deny('ERR_TOKEN_MISSING'));
        if (!isCanonicalDecodedPath(path)) return Promise.resolve(deny('ERR_PATH_NONCANONICAL'));
        return Promise.resolve(toSecureTokenResult(verifySecureToken(st, e, path)));
      } catch (error) {
        return Promise.resolve(failClosed(error));
      }
    },
  };
  return Object.freeze(verifier);
}

function toTokenResult(outcome: Outcome): TokenResult {
  return outcome.ok ? { ok: true, scheme: 'jwt', claims: outcome.claims } : outcome;
}

function toSecureTokenResult(outcome: Outcome): TokenResult {
  return outcome.ok ? { ok: true, scheme: 'secure-token', claims: outcome.claims } : outcome;
}

function clientInRange(clientIp: string | undefined, range: IpRange): boolean {
  return typeof clientIp === 'string' && ipInRange(clientIp, range);
}
