// Entry of dist/worker-lean.js: a Cloudflare Worker (workerd module) for users who want only
// HS256 links (issue 16). The same decision as the full Worker (`decide`: SPEC §6 carriers,
// §2 grants, §4 claims but `ip`, `geo`, `aud`/`iss`, every §7 denial), built like the floor
// bundles (scripts/floor.js's switches: no denial detail, no speed-only paths) and without
// what the full Worker adds: keyring validation beyond `kids`, other algorithms, secure-token,
// sealed tokens, revocation, CORS, HLS manifest rewriting. docs/deploy/workers.md says what
// it answers differently; the build (scripts/build-worker.js) keeps it under its size budget.
import { DEFAULT_TOKEN_PARAMS, forwardHeader } from '../../contract/carriers.js';
import { DENIAL_STATUS, ERR_KEYRING_UNAVAILABLE } from '../../contract/codes.js';
import { decide, failClosed, refuseSecureToken, type Decision } from '../../core/decide.js';
import { DEFAULT_LEEWAY, DEFAULT_MAX_TTL } from '../../contract/defaults.js';
import { checkCoreClaims, createJwtParser } from '../../contract/jwt.js';
import { constantTimeEqualString } from '../../lib/compare.js';
import { hasOwn } from '../../lib/own.js';
import type { KeySource, Prepared, PreparedKey } from '../../core/prepare.js';
import { denialResponse, originFailure } from '../../core/respond.js';
import { checkJwtWithoutAes } from '../../core/sealed.js';

/**
 * Bindings the lean Worker reads: the keyring (`{"kids": {…}}`, optionally `active`) and the
 * origin's base URL. Any other keyring member answers every request 503.
 *
 * @example
 * ```ts
 * import type { LeanWorkerEnv } from '@urlseal/edge/worker-lean';
 * const env: LeanWorkerEnv = {
 *   URLSEAL_KEYRING: '{"kids":{"2026-11":"…"}}',
 *   URLSEAL_ORIGIN: 'https://origin.example.com',
 * };
 * ```
 */
export interface LeanWorkerEnv {
  URLSEAL_KEYRING?: string;
  URLSEAL_ORIGIN?: string;
}

// Restated here rather than imported, for bytes (measured 2026-12-04): web/request.ts's
// requestView/forwardRequest (the same view and forwarded request, plus the manifest's
// accept-encoding rule) cost +594 B, lib/base64url.ts and lib/utf8.ts in place of
// atob/btoa +1,428 B, against a 6 KB goal this build already misses.
const HS256 = 'HS256';
// keyring.ts's rules for a kids entry (docs/spec.md §3), restated: that module is the full
// validator the lean build leaves out.
const KID = /^[A-Za-z0-9._-]{1,64}$/;
const MIN_SECRET_BYTES = 32;
const utf8 = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A canonical base64url segment (the parser checked it) as strict UTF-8 text. */
function segmentText(segment: string): string | undefined {
  try {
    return strict.decode(Uint8Array.from(atob(segment.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes) as unknown as number[])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An HS256 key in WebCrypto: the MAC compared as canonical base64url text, in constant time. */
function hs256Key(secret: Uint8Array<ArrayBuffer>): PreparedKey {
  const key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return {
    alg: HS256,
    signatureLength: 43,
    check: (signingInput, signature) =>
      key.then((k) => crypto.subtle.sign('HMAC', k, utf8.encode(signingInput))).then((mac) => constantTimeEqualString(base64url(mac), signature)),
  };
}

/**
 * The keyring's kids, or `undefined` (→ 503) for anything else: a member other than `kids`
 * and `active` (public keys, secure-token secrets need the full Worker), a kid outside
 * `[A-Za-z0-9._-]{1,64}`, a secret shorter than 32 bytes. Read by own property only.
 */
function keysOf(text: string): KeySource | undefined {
  let keyring: unknown;
  try {
    keyring = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof keyring !== 'object' || keyring === null || Array.isArray(keyring)) return undefined;
  const kids = (keyring as { kids?: unknown }).kids;
  if (typeof kids !== 'object' || kids === null || Array.isArray(kids)) return undefined;
  if (Object.keys(keyring).some((name) => name !== 'kids' && name !== 'active')) return undefined;
  const table: Record<string, PreparedKey> = Object.create(null);
  const names = Object.keys(kids);
  if (names.length === 0) return undefined;
  for (let i = 0; i < names.length; i++) {
    const kid = names[i] as string;
    const secret = (kids as Record<string, unknown>)[kid];
    if (!KID.test(kid) || typeof secret !== 'string') return undefined;
    const bytes = utf8.encode(secret);
    if (bytes.length < MIN_SECRET_BYTES) return undefined;
    table[kid] = hs256Key(bytes);
  }
  return { get: (kid) => (hasOwn(table, kid) ? table[kid] : undefined) };
}

let cached: { text: string; prepared: Prepared | undefined } | undefined;

/** One prepared verifier per keyring text; `undefined` when the keyring is unusable. */
function preparedFor(text: string): Prepared | undefined {
  if (cached === undefined || cached.text !== text) {
    const keys = keysOf(text);
    const params = DEFAULT_TOKEN_PARAMS;
    cached = {
      text,
      prepared:
        keys === undefined
          ? undefined
          : {
              keys,
              secureToken: () => [],
              parseJwt: createJwtParser(segmentText),
              policy: { leeway: DEFAULT_LEEWAY, maxTtl: DEFAULT_MAX_TTL },
              // A sealed token (five segments) answers ERR_ALG_NOT_ALLOWED: no AES in this build.
              checkJwt: checkJwtWithoutAes,
              checkSecureToken: refuseSecureToken,
              // No `ip` (denied: no client address is read), `geo` (denied), `aud`/`iss` (not configured).
              checkClaims: (payload, now, policy) => checkCoreClaims(payload, now, policy),
              params,
              pathPrefix: `/${params.pathSegment}/`,
              statuses: DENIAL_STATUS,
              clock: () => Date.now(),
            },
    };
  }
  return cached.prepared;
}

const NULL_BODY = [204, 205, 304];

/** The request for the origin: the granted target, each header through `forwardHeader` (no Bearer, no token cookie). */
function forward(request: Request, origin: string, target: string, prepared: Prepared): Request {
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    const kept = name === 'host' ? undefined : forwardHeader(name, value, prepared.params);
    if (kept !== undefined) headers.append(name, kept);
  });
  return new Request(origin.replace(/\/+$/, '') + target, { method: request.method, headers, redirect: 'manual', signal: request.signal });
}

/** The origin's answer as the client gets it: no Referer leaks the link's token from a page it serves. */
function relay(answer: Response): Response {
  const headers = new Headers(answer.headers);
  headers.set('referrer-policy', 'no-referrer');
  return new Response(NULL_BODY.indexOf(answer.status) >= 0 ? null : answer.body, { status: answer.status, statusText: answer.statusText, headers });
}

/** The target as the client sent it (request.url after its scheme and authority). */
function targetOf(url: string): string {
  // A WHATWG URL always has a path: `https://host?x` is `https://host/?x`.
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

/**
 * The lean Worker: HS256 JWTs in any SPEC §6 carrier, checked as the full Worker checks them
 * but for what docs/deploy/workers.md ("The lean Worker") lists, the origin's answer streamed.
 *
 * @example
 * ```toml
 * # wrangler.toml
 * main = "node_modules/@urlseal/edge/dist/worker-lean.js"
 * [vars]
 * URLSEAL_ORIGIN = "https://origin.example.com"
 * # wrangler secret put URLSEAL_KEYRING   (a keyring of kids only)
 * ```
 * Or as the module of a Worker project of your own (`main = "src/web/index.ts"`):
 * ```ts
 * import worker from '@urlseal/edge/worker-lean';
 * export default worker;
 * ```
 */
const worker = {
  async fetch(request: Request, env: LeanWorkerEnv): Promise<Response> {
    const prepared = env.URLSEAL_KEYRING === undefined ? undefined : preparedFor(env.URLSEAL_KEYRING);
    if (prepared === undefined) return denialResponse(ERR_KEYRING_UNAVAILABLE);
    const origin = env.URLSEAL_ORIGIN;
    if (!origin || !/^https?:\/\//.test(origin)) return originFailure(502);
    let decision: Decision;
    try {
      decision = await decide(prepared, { method: request.method, target: targetOf(request.url), header: (name) => request.headers.get(name) ?? undefined });
    } catch (error) {
      decision = failClosed(prepared, error);
    }
    if (!decision.ok) return denialResponse(decision.code, decision.status);
    let answer: Response;
    try {
      answer = await fetch(forward(request, origin, decision.target, prepared));
      return relay(answer);
    } catch {
      return originFailure(502);
    }
  },
};

export default worker;
