/**
 * A `refresh` for {@link createTokenSource} that POSTs to the app's renewal
 * endpoint (same origin, with the session cookie) and reads `token` or `url`
 * from its JSON answer, the shape `createRenewalHandler` in `@urlseal/sdk`
 * sends. A refusal rejects with an `Error` whose `status` is the HTTP status:
 * 401 or 403 closes the token source, so a viewer who lost access is not asked
 * again and again.
 *
 * @example
 * ```ts
 * import { createTokenSource, renewFrom } from '@urlseal/player';
 * const source = createTokenSource({ refresh: renewFrom('/courses/1/lessons/4/link') });
 * ```
 */
export function renewFrom(endpoint: string, init: RequestInit = {}): () => Promise<string> {
  return async () => {
    // POST: never cached, never prefetched. Same-origin fetches send the session cookie.
    const response = await fetch(endpoint, { method: 'POST', ...init });
    if (!response.ok) throw Object.assign(new Error(`renewal refused: HTTP ${response.status}`), { status: response.status });
    // The token source checks what this is.
    const body = (await response.json()) as { token?: string; url?: string } | null;
    return body?.token ?? body?.url ?? '';
  };
}
