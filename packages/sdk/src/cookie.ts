import { encodePath } from './url.js';

/** The directory part of a pattern: `/dir/*` → `/dir/`, an exact path stays itself. */
function patternScope(pattern: string): string {
  return pattern.endsWith('/*') ? pattern.slice(0, -1) : pattern;
}

/**
 * The narrowest cookie `Path` covering every pattern: the pattern itself for
 * one, else the longest common prefix cut back to a `/` (cookie paths match
 * on segment boundaries, like grants).
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

/** A `Set-Cookie` value carrying the token, scoped to the grant and its lifetime. */
export function setCookieValue(name: string, token: string, patterns: readonly string[], maxAge: number): string {
  return `${name}=${token}; Path=${cookiePath(patterns)}; Max-Age=${Math.max(0, maxAge)}; HttpOnly; Secure; SameSite=Lax`;
}
