// `createVerifier`: prepare once, then decide per request. The Web `verify`
// wrapper builds nothing it does not need: the forwarded `Request` is made
// only when someone reads `forward`.
import type { TokenParams } from '../contract/carriers.js';
import type { CryptoBackend } from '../core/crypto/backend.js';
import {
  checkSecureToken,
  decide,
  deny,
  failClosed,
  isThenable,
  type Checked,
  type Decision,
  type Denial,
  type Grant,
  type MaybeAsync,
  type RequestView,
  type Scheme,
} from '../core/decide.js';
import type { Claims } from '../contract/jwt.js';
import type { VerifierOptions } from '../core/options.js';
import { isCanonicalDecodedPath } from '../contract/path.js';
import { preflightAnswer } from '../core/preflight.js';
import { prepareVerifier, type Prepared } from '../core/prepare.js';
import type { EdgeAnswer } from '../core/respond.js';
import { forwardRequest, requestView, type VerifyOptions } from './request.js';

/**
 * The result of {@link Verifier.verify}: a {@link Grant} plus `forward`, the
 * request for the origin with every token carrier removed (built on first
 * read), or a {@link Denial}.
 *
 * @example
 * ```ts
 * import { createVerifier, denialResponse, type VerifyResult } from '@urlseal/edge';
 * const verifier = createVerifier({ keyring: process.env.URLSEAL_KEYRING! });
 * async function serve(request: Request): Promise<Response> {
 *   const result: VerifyResult = await verifier.verify(request);
 *   if (!result.ok) return denialResponse(result.code, result.status);
 *   return fetch(result.forward);
 * }
 * ```
 */
export type VerifyResult = (Grant & { readonly forward: Request }) | Denial;

/**
 * The result of the token-level checks {@link Verifier.verifyToken} and
 * {@link Verifier.verifySecureToken}.
 *
 * @example
 * ```ts
 * import { createVerifier, type TokenResult } from '@urlseal/edge';
 * declare const jwt: string;
 * const result: TokenResult = await createVerifier({ keyring: process.env.URLSEAL_KEYRING! }).verifyToken(jwt, '/videos/a.mp4');
 * ```
 */
export type TokenResult = { readonly ok: true; readonly scheme: Scheme; readonly claims: Claims } | Denial;

/**
 * A verifier made by `createVerifier`: options validated and keys imported once.
 *
 * @example
 * ```ts
 * import { createVerifier, type Verifier } from '@urlseal/edge';
 * const verifier: Verifier = createVerifier({ keyring: process.env.URLSEAL_KEYRING! });
 * const decision = await verifier.decide({ method: 'GET', target: '/v/a.mp4?token=…', header: () => undefined });
 * ```
 */
export interface Verifier {
  /** Checks a Web `Request`; on success `forward` is the carrier-free request for the origin. */
  verify(request: Request, opts?: VerifyOptions): Promise<VerifyResult>;
  /** Decides a {@link RequestView}: synchronous on the node:crypto backend, never throws. */
  decide(view: RequestView): MaybeAsync<Decision>;
  /** JWT checks only, for an already canonical decoded path (no method or carrier logic). */
  verifyToken(token: string, path: string, opts?: { clientIp?: string | undefined; country?: string | undefined }): Promise<TokenResult>;
  /** Secure-token checks only (`st`, `e`), for an already canonical decoded path. */
  verifySecureToken(st: string, e: string, path: string): Promise<TokenResult>;
  /** The carrier names in effect (SPEC §6), validated. */
  readonly params: TokenParams;
  /**
   * The 204 answer to a CORS preflight the `cors` option allows (`OPTIONS` with
   * `Access-Control-Request-Method: GET|HEAD` from an allowed `Origin`), or
   * `undefined`: then `decide` answers (OPTIONS is 405). No token is needed.
   */
  preflight(view: RequestView): EdgeAnswer | undefined;
}

/**
 * A grant from `verify`: the decision's fields, and `forward` built on first
 * read (a class, because an object literal with a getter is slow to create).
 */
class VerifiedGrant implements Grant {
  readonly ok = true as const;
  readonly scheme: Grant['scheme'];
  readonly claims: Grant['claims'];
  readonly path: string;
  readonly target: string;
  readonly manifest: Grant['manifest'];
  readonly #request: Request;
  readonly #params: TokenParams;
  readonly #opts: VerifyOptions | undefined;
  #forward: Request | undefined;

  constructor(grant: Grant, request: Request, params: TokenParams, opts: VerifyOptions | undefined) {
    this.scheme = grant.scheme;
    this.claims = grant.claims;
    this.path = grant.path;
    this.target = grant.target;
    this.manifest = grant.manifest;
    this.#request = request;
    this.#params = params;
    this.#opts = opts;
  }

  /** The request for the origin, every token carrier removed. */
  get forward(): Request {
    return (this.#forward ??= forwardRequest(this.#request, this, this.#params, this.#opts));
  }
}

function tokenLevel(p: Prepared, scheme: Scheme, path: string, check: () => MaybeAsync<Checked>): Promise<TokenResult> {
  const toResult = (checked: Checked): TokenResult => (checked.ok ? { ok: true, scheme, claims: checked.claims } : checked);
  try {
    if (!isCanonicalDecodedPath(path)) return Promise.resolve(deny(p, 'ERR_PATH_NONCANONICAL', 'path'));
    const checked = check();
    return isThenable(checked) ? checked.then(toResult, (error: unknown) => failClosed(p, error)) : Promise.resolve(toResult(checked));
  } catch (error) {
    return Promise.resolve(failClosed(p, error));
  }
}

/**
 * Creates a verifier over a given crypto backend; `createVerifier` is this
 * bound to the runtime's backend.
 */
export function createVerifierWith(backend: CryptoBackend, options: VerifierOptions): Verifier {
  return verifierOf(prepareVerifier(backend, options));
}

/** The verifier over options and keys already prepared (`prepareVerifier`, `prepareResolved`). */
export function verifierOf(p: Prepared): Verifier {
  return Object.freeze({
    params: p.params,
    decide: (view: RequestView) => decide(p, view),
    preflight: (view: RequestView) => preflightAnswer(p.cors, view),
    verify(request: Request, opts?: VerifyOptions): Promise<VerifyResult> {
      const result = (decision: Decision): VerifyResult => (decision.ok ? new VerifiedGrant(decision, request, p.params, opts) : decision);
      let decided: MaybeAsync<Decision>;
      try {
        decided = decide(p, requestView(request, opts));
      } catch (error) {
        decided = failClosed(p, error); // a hostile `request` object whose getters throw
      }
      // Settled now on the node:crypto backend: no extra turn through an async function.
      return isThenable(decided) ? decided.then(result) : Promise.resolve(result(decided));
    },
    verifyToken(token: string, path: string, opts?: { clientIp?: string | undefined; country?: string | undefined }) {
      if (typeof token !== 'string') return Promise.resolve(deny(p, 'ERR_TOKEN_MISSING'));
      return tokenLevel(p, 'jwt', path, () => p.checkJwt(p, token, path, { clientIp: opts?.clientIp, country: opts?.country }));
    },
    verifySecureToken(st: string, e: string, path: string) {
      if (typeof st !== 'string' || typeof e !== 'string') return Promise.resolve(deny(p, 'ERR_TOKEN_MISSING'));
      return tokenLevel(p, 'secure-token', path, () => checkSecureToken(p, st, e, path));
    },
  });
}
