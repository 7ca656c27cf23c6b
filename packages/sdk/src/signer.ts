import type { CookieOptions, TokenOptions, SignOptions } from './claims.js';
import { createSyncJws, type SyncJws } from './jws-node.js';
import { resolveSignerOptions, type SignerOptions } from './options.js';
import { createPlanner, type Plan } from './plan.js';
import { createSyncSeal, type SyncSeal } from './seal-node.js';
import type { SignedCookie, SignedUrl } from './results.js';

/**
 * What `createSigner` returns on Node: every method is synchronous (node:crypto signs
 * HMAC, ECDSA and Ed25519 without a promise). For Workers, Deno, Vercel and Bun without
 * node:crypto, `@urlseal/sdk/web` has the same methods, returning promises.
 *
 * @example
 * ```ts
 * import { createSigner, loadKeyring, type Signer } from '@urlseal/sdk';
 * const signer: Signer = createSigner({ keyring: loadKeyring() });
 * const src: string = signer.signUrl('https://cdn.example/videos/a.mp4');
 * ```
 */
export interface Signer {
  /** Signs a URL (absolute or a path) and returns the same kind of URL carrying the token. */
  signUrl(url: string, options?: SignOptions): string;
  /** Signs a URL and returns what went into it: `{ scheme, url, token, claims, expires }`. */
  sign(url: string, options?: SignOptions): SignedUrl;
  /** Signs a grant and returns the bare JWT (for a header or your own transport). */
  signToken(grant: string | readonly string[], options?: TokenOptions): string;
  /** Signs a grant into a cookie scoped to it: its parts, and `serialize()` for `Set-Cookie`. */
  signCookie(grant: string | readonly string[], options?: CookieOptions): SignedCookie;
}

/**
 * Creates a signer. Options are validated once (a `TypeError` naming the option; a
 * keyring that fails SPEC §3 throws `UrlsealError` `ERR_KEYRING_INVALID`), keys are
 * prepared once, and each call only builds claims and signs, synchronously.
 *
 * @example
 * ```ts
 * import { createSigner, loadKeyring } from '@urlseal/sdk';
 * const signer = createSigner({ keyring: loadKeyring(), ttl: '5m' }); // env URLSEAL_KEYRING
 * signer.signUrl('https://cdn.example/videos/a.mp4');
 * // 'https://cdn.example/videos/a.mp4?token=eyJ…'
 * signer.signUrl('/videos/course-1/master.m3u8', { grant: '/videos/course-1/*' });
 * // '/_token/eyJ…/videos/course-1/master.m3u8'
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  const config = resolveSignerOptions(options);
  const planner = createPlanner(config);
  const active = config.keyring.active;
  const jws: SyncJws | undefined = active === undefined ? undefined : createSyncJws(active);
  // A sealer only once a call seals: the planner allowed that only with an HS256 active key.
  let seal: SyncSeal | undefined;
  const sealed = (claimsJson: string): string => (seal ??= createSyncSeal(active as NonNullable<typeof active>))(claimsJson);
  // A plan needs a JWS only for scheme jwt, which checkSchemeKey allowed only with an active key.
  const run = <T>(plan: Plan<T>): T =>
    'result' in plan ? plan.result : plan.finish(plan.seal ? sealed(plan.claimsJson) : (jws as SyncJws)(plan.claimsJson));
  return Object.freeze({
    signUrl: (url: string, opts?: SignOptions) => run(planner.url(url, opts, 'signUrl')).url,
    sign: (url: string, opts?: SignOptions) => run(planner.url(url, opts, 'sign')),
    signToken: (grant: string | readonly string[], opts?: TokenOptions) => run(planner.token(grant, opts, 'signToken')),
    signCookie: (grant: string | readonly string[], opts?: CookieOptions) => run(planner.cookie(grant, opts, 'signCookie')),
  });
}
