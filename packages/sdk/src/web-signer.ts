import type { CookieOptions, TokenOptions, SignOptions } from './claims.js';
import { createAsyncJws, type AsyncJws } from './jws-web.js';
import { resolveSignerOptions, type SignerOptions } from './options.js';
import { createPlanner, type Plan } from './plan.js';
import { createAsyncSeal, type AsyncSeal } from './seal-web.js';
import type { SignedCookie, SignedUrl } from './results.js';

/**
 * What `createSigner` of `@urlseal/sdk/web` returns: the Node signer's methods, each
 * returning a promise (Web Crypto is asynchronous). Same options, same checks (an ES256/EdDSA
 * key pair that does not match is refused at its first signature rather than at
 * `createSigner`), and for HS256/EdDSA the same bytes as the Node signer.
 *
 * @example
 * ```ts
 * import { createSigner, type WebSigner } from '@urlseal/sdk/web';
 * declare const env: { URLSEAL_KEYRING: string };
 * const signer: WebSigner = createSigner({ keyring: env.URLSEAL_KEYRING });
 * const src: string = await signer.signUrl('https://cdn.example/videos/a.mp4');
 * ```
 */
export interface WebSigner {
  /** Signs a URL (absolute or a path) and resolves to the same kind of URL carrying the token. */
  signUrl(url: string, options?: SignOptions): Promise<string>;
  /** Signs a URL and resolves to what went into it: `{ scheme, url, token, claims, expires }`. */
  sign(url: string, options?: SignOptions): Promise<SignedUrl>;
  /** Signs a grant and resolves to the bare JWT. */
  signToken(grant: string | readonly string[], options?: TokenOptions): Promise<string>;
  /** Signs a grant into a cookie scoped to it: its parts, and `serialize()` for `Set-Cookie`. */
  signCookie(grant: string | readonly string[], options?: CookieOptions): Promise<SignedCookie>;
}

/**
 * Creates a signer for runtimes with Web APIs only (Cloudflare Workers, Deno, Vercel Edge,
 * Bun): jose on `crypto.subtle`, nothing from node:. Options are validated here, at once
 * (`TypeError` naming the option; `UrlsealError` `ERR_KEYRING_INVALID` for the keyring);
 * every later misuse rejects the returned promise.
 *
 * @example
 * ```ts
 * import { createSigner } from '@urlseal/sdk/web';
 * export default {
 *   async fetch(_request: Request, env: { URLSEAL_KEYRING: string }): Promise<Response> {
 *     const signer = createSigner({ keyring: env.URLSEAL_KEYRING });
 *     return Response.json({ src: await signer.signUrl('https://cdn.example/videos/a.mp4') });
 *   },
 * };
 * ```
 */
export function createSigner(options: SignerOptions): WebSigner {
  const config = resolveSignerOptions(options);
  const planner = createPlanner(config);
  const active = config.keyring.active;
  const jws: AsyncJws | undefined = active === undefined ? undefined : createAsyncJws(active);
  // A sealer only once a call seals: the planner allowed that only with an HS256 active key.
  let seal: AsyncSeal | undefined;
  const sealed = (claimsJson: string): Promise<string> => (seal ??= createAsyncSeal(active as NonNullable<typeof active>))(claimsJson);
  const run = async <T>(plan: () => Plan<T>): Promise<T> => {
    const decided = plan(); // inside the async function: a misuse rejects, never throws
    if ('result' in decided) return decided.result;
    return decided.finish(await (decided.seal ? sealed(decided.claimsJson) : (jws as AsyncJws)(decided.claimsJson)));
  };
  return Object.freeze({
    signUrl: async (url: string, opts?: SignOptions) => (await run(() => planner.url(url, opts, 'signUrl'))).url,
    sign: (url: string, opts?: SignOptions) => run(() => planner.url(url, opts, 'sign')),
    signToken: (grant: string | readonly string[], opts?: TokenOptions) => run(() => planner.token(grant, opts, 'signToken')),
    signCookie: (grant: string | readonly string[], opts?: CookieOptions) => run(() => planner.cookie(grant, opts, 'signCookie')),
  });
}
