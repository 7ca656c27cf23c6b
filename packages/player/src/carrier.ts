/**
 * Where a JWT travels in a URL (SPEC §6): the path form `/_token/<jwt>/…`, which
 * relative URLs in a manifest inherit, and the query form `?token=<jwt>`. The
 * names are the signer's and the verifier's options, with the same defaults.
 *
 * @example
 * ```ts
 * import type { CarrierNames } from '@urlseal/player';
 * const names: CarrierNames = { param: 'token', pathSegment: '_token' };
 * ```
 */
export interface CarrierNames {
  /** Query parameter that carries the JWT. Default `'token'`. */
  param?: string;
  /** Path segment before the JWT in the path form. Default `'_token'`. */
  pathSegment?: string;
}

/** Reads and replaces the token a URL carries. */
export interface Carrier {
  /** The JWT a URL carries (path form first, as the edge reads it), if any. */
  read(url: string): string | undefined;
  /** The URL with `token` in place of every token it carries; a URL without one is returned unchanged. */
  write(url: string, token: string): string;
  /** A URL path without its leading token segment: the path the edge checks against the grant. */
  bare(pathname: string): string;
}

/** Compact JWS: three base64url segments. */
export const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

function checkName(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!/^[\w-]{1,64}$/.test(value)) throw new TypeError('param and pathSegment are 1-64 of A-Za-z0-9_-');
  return value;
}

/**
 * The carrier for a pair of names. Only URLs that already carry a token get
 * the new one: a URL of another host (a CDN for captions, an analytics beacon)
 * never receives a token it was not given.
 */
export function createCarrier(names: CarrierNames = {}): Carrier {
  const segment = checkName(names.pathSegment, '_token');
  const param = checkName(names.param, 'token');
  // Scheme and authority (or none), then the token segment at the start of the path.
  const inPath = new RegExp(`^([^/?#]*//[^/?#]*)?/${segment}/([^/?#]*)/`);
  const inQuery = new RegExp(`([?&]${param}=)([^&#]*)`, 'g');
  return {
    read: (url) => inPath.exec(url)?.[2] ?? [...url.matchAll(inQuery)][0]?.[2],
    write: (url, token) => url.replace(inPath, `$1/${segment}/${token}/`).replace(inQuery, `$1${token}`),
    bare: (pathname) => pathname.replace(inPath, '/'),
  };
}

/** The claims of a JWT, read without verifying (the edge verifies); `{}` when unreadable. */
export function readClaims(token: string): { exp?: unknown; iat?: unknown; path?: unknown } {
  try {
    return JSON.parse(atob((token.split('.')[1] as string).replace(/-/g, '+').replace(/_/g, '/'))) ?? {};
  } catch {
    return {};
  }
}
