import type { SameSite, UrlsealClaims } from './claims.js';

/**
 * The two claims a legacy secure-token carries: the exact decoded path and the expiry
 * (`e`). It has no kid, subject or prefix (SPEC §5).
 *
 * @example
 * ```ts
 * import type { SecureTokenClaims } from '@urlseal/sdk';
 * const claims: SecureTokenClaims = { path: '/videos/a.mp4', exp: 1893456000 };
 * ```
 */
export interface SecureTokenClaims {
  path: string;
  exp: number;
}

/**
 * What `sign` returns: the signed URL and what went into it, so an application can log
 * the expiry, show it, or hand the bare token to a player.
 *
 * @example
 * ```ts
 * import { createSigner, loadKeyring, type SignedUrl } from '@urlseal/sdk';
 * const signed: SignedUrl = createSigner({ keyring: loadKeyring() }).sign('https://cdn.example/videos/a.mp4');
 * console.log(signed.url, new Date(signed.expires * 1000));
 * ```
 */
export type SignedUrl =
  | {
      readonly scheme: 'jwt';
      /** The URL carrying the token, of the same kind as the input (absolute or a path). */
      readonly url: string;
      /** The compact JWT. */
      readonly token: string;
      readonly claims: UrlsealClaims;
      /** The expiry, Unix seconds (the `exp` claim). */
      readonly expires: number;
    }
  | {
      readonly scheme: 'secure-token';
      readonly url: string;
      /** The `st` value. */
      readonly token: string;
      readonly claims: SecureTokenClaims;
      /** The expiry, Unix seconds (the `e` parameter). */
      readonly expires: number;
    };

/**
 * What `signCookie` returns: the cookie's parts, and `serialize()` for a `Set-Cookie`
 * header value. The cookie is always `HttpOnly; Secure; SameSite=Lax`, scoped to the
 * grant (`Path`) and to the token's lifetime (`Max-Age`).
 *
 * @example
 * ```ts
 * import { createSigner, loadKeyring } from '@urlseal/sdk';
 * const cookie = createSigner({ keyring: loadKeyring() }).signCookie('/videos/course-1/*');
 * const header: [string, string] = ['Set-Cookie', cookie.serialize()];
 * // urlseal=eyJ…; Path=/videos/course-1/; Max-Age=300; HttpOnly; Secure; SameSite=Lax
 * ```
 */
export interface SignedCookie {
  /** The cookie name (`params.cookie`, default `urlseal`). */
  readonly name: string;
  /** The cookie value: the compact JWT. */
  readonly value: string;
  /** The percent-encoded cookie `Path` covering the grant. */
  readonly path: string;
  /** The cookie's `Domain`, when `signCookie` was given one. */
  readonly domain?: string;
  /** Seconds the cookie lives (`Max-Age`), never negative. */
  readonly maxAge: number;
  /** The token's expiry, Unix seconds. */
  readonly expires: number;
  readonly claims: UrlsealClaims;
  readonly httpOnly: true;
  readonly secure: true;
  readonly sameSite: SameSite;
  /** The `Set-Cookie` header value. */
  serialize(): string;
}
