// The CORS preflight (SPEC v1.2, issue 15): with the `cors` option, a browser's
// `OPTIONS` before a cross-origin GET or HEAD (a player adding `Authorization`,
// `Range` or CMCD headers) is answered by the edge itself, without a token.
// Anything else with OPTIONS stays a 405 denial. Plain data, as respond.ts.
import type { RequestView } from './decide.js';
import type { EdgeAnswer } from './respond.js';

/** Request headers a cross-origin player may send: the Bearer carrier, ranges and conditionals, CMCD in header mode (CTA-5004). */
export const PREFLIGHT_ALLOW_HEADERS =
  'authorization, range, if-range, if-none-match, if-modified-since, cmcd-request, cmcd-object, cmcd-status, cmcd-session';

/** How long (seconds) a browser may reuse a preflight answer. */
export const PREFLIGHT_MAX_AGE = 600;

/**
 * The 204 answer to a CORS preflight the `cors` option allows: `OPTIONS` with
 * `Access-Control-Request-Method: GET` or `HEAD` from an allowed `Origin`.
 * `undefined` for any other request (then the decision answers, OPTIONS being
 * 405 `ERR_METHOD_NOT_ALLOWED`). Never throws: a header that cannot be read is
 * no preflight.
 */
export function preflightAnswer(cors: ReadonlySet<string> | '*' | undefined, view: RequestView): EdgeAnswer | undefined {
  if (cors === undefined) return undefined;
  try {
    if (view.method !== 'OPTIONS') return undefined;
    const method = view.header('access-control-request-method');
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const origin = view.header('origin');
    if (origin === undefined || (cors !== '*' && !cors.has(origin))) return undefined;
    return {
      status: 204,
      headers: {
        'access-control-allow-origin': cors === '*' ? '*' : origin,
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': PREFLIGHT_ALLOW_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE),
        vary: 'Origin',
      },
      body: '',
    };
  } catch {
    return undefined;
  }
}
