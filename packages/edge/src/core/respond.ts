// The answers the edge makes itself: a SPEC §7 denial and an origin failure.
// Headers as plain data first, so Node adapters write them without a `Response`.
import { DENIAL_STATUS, ERR_METHOD_NOT_ALLOWED, ERR_TOKEN_MISSING, type DenialCode } from '../contract/codes.js';

/**
 * Codes of answers that are not token denials: the origin could not be
 * reached (502) or stayed silent (504).
 */
export type OriginFailureCode = 'ERR_ORIGIN_UNAVAILABLE' | 'ERR_ORIGIN_TIMEOUT';

/** Status, headers and body of an answer the edge makes itself. */
export interface EdgeAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A denial as plain data (SPEC §7): `{"error":"<code>"}` JSON, `Cache-Control:
 * no-store`, `x-urlseal-error`, on 401 `WWW-Authenticate: Bearer` (with
 * `error="invalid_token"` unless the token was missing), on 405 `Allow`.
 * Nothing of the request is echoed but an `Origin` the verifier's `cors` option allows.
 */
export function denialAnswer(code: DenialCode, statusOverride?: number, allowOrigin?: string): EdgeAnswer {
  const status = statusOverride ?? DENIAL_STATUS[code];
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json',
    'x-urlseal-error': code,
  };
  if (status === 401) headers['www-authenticate'] = code === ERR_TOKEN_MISSING ? 'Bearer' : 'Bearer error="invalid_token"';
  if (code === ERR_METHOD_NOT_ALLOWED) headers.allow = 'GET, HEAD';
  // The floor builds take no cors option: esbuild drops this statement there (scripts/floor.js).
  NOT_ON_FLOOR: if (allowOrigin !== undefined) {
    // A page on another origin (a player) may read the status and the code (the `cors` option).
    headers['access-control-allow-origin'] = allowOrigin;
    headers['access-control-expose-headers'] = 'x-urlseal-error';
    headers.vary = 'Origin';
  }
  return { status, headers, body: `{"error":"${code}"}` };
}

/** An origin failure as plain data: 502 `ERR_ORIGIN_UNAVAILABLE` or 504 `ERR_ORIGIN_TIMEOUT`, never cached. */
export function originFailureAnswer(status: 502 | 504): EdgeAnswer {
  const code: OriginFailureCode = status === 504 ? 'ERR_ORIGIN_TIMEOUT' : 'ERR_ORIGIN_UNAVAILABLE';
  return { status, headers: { 'cache-control': 'no-store', 'content-type': 'application/json', 'x-urlseal-error': code }, body: `{"error":"${code}"}` };
}

function toResponse(answer: EdgeAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * The SPEC §7 denial response for a code (and the status the verifier maps it to;
 * `allowOrigin`: see the verifier's `cors` option).
 *
 * @example
 * ```ts
 * import { denialResponse } from '@urlseal/edge';
 * const unavailable: Response = denialResponse('ERR_KEYRING_UNAVAILABLE'); // 503
 * ```
 */
export function denialResponse(code: DenialCode, status?: number, allowOrigin?: string): Response {
  return toResponse(denialAnswer(code, status, allowOrigin));
}

/**
 * An origin failure response: 502 `ERR_ORIGIN_UNAVAILABLE` when the origin
 * cannot be reached or its answer cannot be relayed, 504 `ERR_ORIGIN_TIMEOUT`
 * when it stays silent. JSON like a denial, never cached.
 *
 * @example
 * ```ts
 * import { originFailure } from '@urlseal/edge';
 * async function relay(forward: Request): Promise<Response> {
 *   try {
 *     return await fetch(forward);
 *   } catch {
 *     return originFailure(502);
 *   }
 * }
 * ```
 */
export function originFailure(status?: 502 | 504): Response {
  return toResponse(originFailureAnswer(status ?? 502));
}
