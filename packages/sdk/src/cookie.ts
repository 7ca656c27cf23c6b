import type { SameSite, UrlsealClaims } from './claims.js';
import type { SignedCookie } from './results.js';
import { encodePath } from './url.js';

/** The directory part of a pattern: `/dir/*` → `/dir/`, an exact path stays itself. */
function patternScope(pattern: string): string {
  return pattern.endsWith('/*') ? pattern.slice(0, -1) : pattern;
}

/**
 * The narrowest cookie `Path` covering every pattern: the pattern itself for one, else
 * the longest common prefix cut back to a `/` (cookie paths match on segment
 * boundaries, like grants).
 */
export function cookiePath(patterns: readonly string[]): string {
  const scopes = patterns.map(patternScope);
  let common = scopes[0] as string;
  for (const scope of scopes) {
    let i = 0;
    while (i < common.length && i < scope.length && common[i] === scope[i]) i++;
    common = common.slice(0, i);
  }
  // Unless every pattern has the same scope, a shared prefix like "/a/x" would not
  // cover "/a/x.vtt" as a cookie path, so cut back to the last "/".
  if (scopes.some((scope) => scope !== common)) common = common.slice(0, common.lastIndexOf('/') + 1);
  return encodePath(common);
}

/** The cookie carrying `token`, scoped to the grant and to the token's remaining lifetime. */
export function signedCookie(
  name: string,
  token: string,
  patterns: readonly string[],
  claims: UrlsealClaims,
  attributes: { readonly domain: string | undefined; readonly sameSite: SameSite } = { domain: undefined, sameSite: 'Lax' },
): SignedCookie {
  const path = cookiePath(patterns);
  const maxAge = Math.max(0, claims.exp - claims.iat);
  const { domain, sameSite } = attributes;
  const header = `${name}=${token}; Path=${path}${domain === undefined ? '' : `; Domain=${domain}`}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=${sameSite}`;
  return Object.freeze({
    name,
    value: token,
    path,
    ...(domain === undefined ? {} : { domain }),
    maxAge,
    expires: claims.exp,
    claims,
    httpOnly: true,
    secure: true,
    sameSite,
    serialize: () => header,
  });
}
