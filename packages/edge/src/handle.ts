// Request → Response around an origin fetch, and the SPEC §7 denial response.
import type { DenialCode } from './errors.js';
import { DENIAL_STATUS } from './errors.js';
import { isManifest, rewriteManifest } from './hls.js';
import { DEFAULT_TOKEN_PARAMS, type TokenParams } from './token.js';
import type { DetailedResult, VerifyCallOptions } from './verify.js';

/** Largest manifest rewritten; a bigger one is passed through untouched. */
export const MAX_MANIFEST_BYTES = 8 << 20;

/**
 * The SPEC §7 denial response: `{"error":"<code>"}` as JSON, `Cache-Control:
 * no-store`, `x-urlseal-error`, and on 401 `WWW-Authenticate: Bearer` (with
 * `error="invalid_token"` unless the token was missing). Nothing of the
 * request is echoed.
 *
 * @example
 * ```ts
 * import { denialResponse } from '@urlseal/edge';
 * return denialResponse('ERR_KEYRING_UNAVAILABLE'); // 503
 * ```
 */
export function denialResponse(code: DenialCode, status: number = DENIAL_STATUS[code]): Response {
  const headers = new Headers({
    'cache-control': 'no-store',
    'content-type': 'application/json',
    'x-urlseal-error': code,
  });
  if (status === 401) {
    headers.set('www-authenticate', code === 'ERR_TOKEN_MISSING' ? 'Bearer' : 'Bearer error="invalid_token"');
  }
  if (code === 'ERR_METHOD_NOT_ALLOWED') headers.set('allow', 'GET, HEAD');
  return new Response(`{"error":"${code}"}`, { status, headers });
}

/**
 * An origin failure (not a token denial): 502 `ERR_ORIGIN_UNAVAILABLE` when
 * the origin cannot be reached, 504 `ERR_ORIGIN_TIMEOUT` when it stays
 * silent. JSON like a denial, never cached.
 *
 * @example
 * ```ts
 * import { originFailure } from '@urlseal/edge';
 * try { return await fetch(forward); } catch { return originFailure(502); }
 * ```
 */
export function originFailure(status: 502 | 504 = 502): Response {
  const code = status === 504 ? 'ERR_ORIGIN_TIMEOUT' : 'ERR_ORIGIN_UNAVAILABLE';
  return new Response(`{"error":"${code}"}`, {
    status,
    headers: { 'cache-control': 'no-store', 'content-type': 'application/json', 'x-urlseal-error': code },
  });
}

function shouldRewrite(request: Request, result: DetailedResult & { ok: true }, response: Response): boolean {
  if (result.scheme !== 'jwt' || result.carrier !== 'query' || result.token === undefined || result.grant === undefined) {
    return false;
  }
  // Only a full 200 body is a whole manifest (not a 206 range or a HEAD).
  if (request.method !== 'GET' || response.status !== 200 || response.body === null) return false;
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_MANIFEST_BYTES) return false;
  return isManifest(new URL(result.forward.url).pathname, response.headers.get('content-type'));
}

async function rewritten(request: Request, result: DetailedResult & { ok: true }, response: Response, params: Pick<TokenParams, 'token' | 'st' | 'e'>): Promise<Response> {
  const text = await response.text();
  const body = rewriteManifest(text, {
    baseUrl: request.url,
    grant: result.grant as readonly string[],
    param: params.token,
    token: result.token as string,
    carriers: [params.token, params.st, params.e],
  });
  const headers = new Headers(response.headers);
  // The body changed length and is no longer the origin's encoding.
  headers.delete('content-length');
  headers.delete('content-encoding');
  // The rewritten body holds a bearer token: no shared cache may keep it.
  headers.set('cache-control', 'no-store');
  headers.set('referrer-policy', 'no-referrer');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * `Verifier.handle`: verify, forward the carrier-free request, return the
 * origin's response streamed with `Referrer-Policy: no-referrer` (so the token
 * in the page URL never leaks to third parties), or a denial; 502 when the
 * origin fetch throws.
 */
export async function handleRequest(
  verify: (request: Request, opts?: VerifyCallOptions) => Promise<DetailedResult>,
  request: Request,
  fetchOrigin: (forward: Request) => Promise<Response>,
  opts: VerifyCallOptions | undefined,
  params: Pick<TokenParams, 'token' | 'st' | 'e'> = DEFAULT_TOKEN_PARAMS,
): Promise<Response> {
  // The method is checked inside verify, first, so `statuses` applies to 405 too.
  const result = await verify(request, opts);
  if (!result.ok) return denialResponse(result.code, result.status);
  let response: Response;
  try {
    response = await fetchOrigin(result.forward);
  } catch {
    return originFailure(502);
  }
  try {
    if (shouldRewrite(request, result, response)) return await rewritten(request, result, response, params);
    const headers = new Headers(response.headers);
    headers.set('referrer-policy', 'no-referrer');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  } catch {
    return originFailure(502);
  }
}
