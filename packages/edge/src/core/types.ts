// The decision's vocabulary, in one module of types only: what a request looks
// like to the core (RequestView, Client), what it answers (Decision: Grant or
// Denial), and what a verifier is prepared into (Prepared and its keys, the
// sealed-token policy). decide.ts, prepare.ts and sealed.ts re-export these;
// keeping them here, importing no module of the core, is what keeps the core
// free of import cycles (test/architecture/import-cycles.test.ts).
import type { TokenParams } from '../contract/carriers.js';
import type { DenialCode } from '../contract/codes.js';
import type { SecureTokenCheck, SignatureCheck } from './crypto/backend.js';
import type { Allowlist, CheckedClaims, ClaimFailure, ClaimPolicy, Claims, ParsedJwt } from '../contract/jwt.js';
import type { JwtAlgorithm } from '../contract/keyring.js';
import type { Scheme } from '../contract/scheme.js';

export type { Scheme };

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
  /**
   * The viewer's country (ISO 3166-1 alpha-2) from the runtime's own source, or a
   * header the operator trusts; read only when a token has a `geo` claim.
   */
  readonly country?: string | undefined;
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
  readonly manifest?: ManifestGrant | undefined;
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
export type Checked = { readonly ok: true; readonly claims: Claims; readonly grant?: readonly string[] | undefined } | Denial;

/** Synchronous when the crypto backend is (node:crypto), a promise otherwise (crypto.subtle). */
export type MaybeAsync<T> = T | Promise<T>;

/** Who asks: the client address, for `ip` claims, and the country, for `geo` claims (a RequestView is one). */
export type Client = Pick<RequestView, 'clientIp' | 'country'>;

/** One JWT key, ready to verify with. */
export interface PreparedKey {
  readonly alg: JwtAlgorithm;
  /** Length of the signature segment this key's algorithm produces. */
  readonly signatureLength: number;
  readonly check: SignatureCheck;
  /**
   * Opens a sealed token with this kid's content key (HS256 kids only): the
   * plaintext as strict UTF-8, or `undefined` when it does not open. Absent
   * where the key cannot seal or the runtime cannot decrypt.
   */
  readonly unseal?: ((aad: string, iv: string, ciphertext: string, tag: string) => MaybeAsync<string | undefined>) | undefined;
}

/**
 * Where `decide` finds the key for a kid: a `Map` here; elsewhere anything
 * with `get` that never resolves a kid through a prototype (`constructor`,
 * `__proto__`). It may answer with a promise (a key-value store read at the edge).
 */
export interface KeySource {
  get(kid: string): MaybeAsync<PreparedKey | undefined>;
}

/** Everything `decide` needs, prepared once per verifier. */
export interface Prepared {
  readonly keys: KeySource;
  /** One check per legacy secure-token secret (rotation); a promise where the secrets are read per request. */
  readonly secureToken: () => MaybeAsync<readonly SecureTokenCheck[]>;
  readonly parseJwt: (token: string) => ParsedJwt | undefined;
  readonly policy: ClaimPolicy;
  /**
   * The checks per scheme and of JWT claims: `checkJwt`, `checkSecureToken`
   * and `checkClaims` here. An edge built for one scheme, or without `ip` and
   * `aud`/`iss` claims (CloudFront Functions, for its 10 KB), wires the core's
   * smaller answers instead (`refuseJwt`, `refuseSecureToken`,
   * `checkCoreClaims`), so the code it cannot reach is not in its bundle.
   */
  readonly checkJwt: (p: Prepared, token: string, path: string, client: Client) => MaybeAsync<Checked>;
  readonly checkSecureToken: (p: Prepared, st: string, e: string, path: string) => MaybeAsync<Checked>;
  readonly checkClaims: (payload: Record<string, unknown>, now: number, policy: ClaimPolicy) => CheckedClaims | ClaimFailure;
  /** The optional extra allowlist of algorithms. */
  readonly algorithms?: Allowlist | undefined;
  readonly params: TokenParams;
  /** `/<params.pathSegment>/`, the path-token prefix, made once. */
  readonly pathPrefix: string;
  readonly statuses: Readonly<Record<DenialCode, number>>;
  /** Now in Unix milliseconds; NaN when the clock fails (it never throws). */
  readonly clock: () => number;
  /** Sealed tokens (issue 17): the mode and the parser; absent where sealed tokens are not read. */
  readonly sealed?: SealedPolicy | undefined;
  /** Origins that may read denials, `'*'` for any, or none (the floor bundles have none). */
  readonly cors?: ReadonlySet<string> | '*' | undefined;
  /** Whether the `CMCD` query parameter is left out of the forwarded request (the floor bundles pass it). */
  readonly dropCmcd?: boolean | undefined;
}

/**
 * Which tokens of scheme `jwt` a verifier takes: `allow` (default) both a JWS
 * and a sealed token, `require` only sealed ones (a JWS answers
 * ERR_ALG_NOT_ALLOWED), `deny` only a JWS (a sealed token answers
 * ERR_ALG_NOT_ALLOWED).
 *
 * @example
 * ```ts
 * import type { SealedMode } from '@urlseal/edge';
 * const mode: SealedMode = 'require'; // no readable claims in any log
 * ```
 */
export type SealedMode = 'allow' | 'require' | 'deny';

/** A compact JWE split and checked for shape, not yet decrypted. */
export interface ParsedSealed {
  readonly header: Readonly<Record<string, unknown>>;
  /** The encoded protected header: its ASCII is the AAD. */
  readonly aad: string;
  /** IV, ciphertext and tag segments: canonical base64url, not decoded. */
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

/** What a verifier that reads sealed tokens carries (Prepared.sealed). */
export interface SealedPolicy {
  readonly mode: SealedMode;
  readonly parse: (token: string) => ParsedSealed | undefined;
}
