// Token carriers (SPEC §6): their names, finding the one token source of a
// request, and removing every carrier from what is forwarded, so origin logs
// and cache keys never hold a token. Pure string work on the raw target, on
// the JavaScript floor (scripts/floor.js).
import { isPlainObject } from '../lib/own.js';
import { readTarget, type Target } from './target.js';

/**
 * Names of the token carriers (SPEC §6; configurable).
 *
 * @example
 * ```ts
 * import { DEFAULT_TOKEN_PARAMS, type TokenParams } from '@urlseal/edge/contract';
 * const params: TokenParams = { ...DEFAULT_TOKEN_PARAMS, cookie: 'lms_media' };
 * ```
 */
export interface TokenParams {
  readonly token: string;
  readonly st: string;
  readonly e: string;
  readonly cookie: string;
  readonly pathSegment: string;
}

/**
 * The default carrier names.
 *
 * @example
 * ```ts
 * import { DEFAULT_TOKEN_PARAMS } from '@urlseal/edge/contract';
 * DEFAULT_TOKEN_PARAMS.pathSegment; // '_token'
 * ```
 */
export const DEFAULT_TOKEN_PARAMS: TokenParams = /* @__PURE__ */ Object.freeze({
  token: 'token',
  st: 'st',
  e: 'e',
  cookie: 'urlseal',
  pathSegment: '_token',
});

const PARAM_NAMES = ['token', 'st', 'e', 'cookie', 'pathSegment'];
// A cookie name is an RFC 6265 token; parameter and segment names are
// unreserved URL characters, so they match their raw spelling.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}(?![\s\S])/;
const PARAM_NAME = /^[A-Za-z0-9._~-]{1,64}(?![\s\S])/;

/**
 * Validates carrier names (SPEC §6: configurable, on the signer exactly as on
 * the verifier) and fills in the defaults. Throws a `TypeError` that names the
 * caller and the option, e.g. `createSigner: option "params.cookie" …`.
 *
 * @example
 * ```ts
 * import { readTokenParams } from '@urlseal/edge/contract';
 * readTokenParams({ cookie: 'lms_media' }, 'createSigner').token; // 'token'
 * ```
 */
export function readTokenParams(value: unknown, caller?: string): TokenParams {
  const fail = (name: string, problem: string): never => {
    throw new TypeError(`${caller ?? 'createVerifier'}: option "${name}" ${problem}`);
  };
  if (value === undefined) return DEFAULT_TOKEN_PARAMS;
  if (!isPlainObject(value)) return fail('params', 'must be an object');
  const params: Record<string, string> = { ...DEFAULT_TOKEN_PARAMS };
  const names = Object.keys(value);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const given: unknown = (value as Record<string, unknown>)[name];
    if (PARAM_NAMES.indexOf(name) < 0) fail(`params.${name}`, 'is unknown; expected token, st, e, cookie or pathSegment');
    if (given === undefined) continue;
    const pattern = name === 'cookie' ? COOKIE_NAME : PARAM_NAME;
    if (typeof given !== 'string' || !pattern.test(given) || given === '.' || given === '..') {
      fail(`params.${name}`, 'must be a short name of URL-safe characters (A-Z a-z 0-9 . _ ~ -)');
    }
    params[name] = given as string;
  }
  if (params.token === params.st || params.token === params.e || params.st === params.e) {
    fail('params', 'token, st and e must be three different names');
  }
  return Object.freeze(params) as unknown as TokenParams;
}

/**
 * Where the token came from.
 *
 * @example
 * ```ts
 * import type { TokenCarrier } from '@urlseal/edge/contract';
 * const carrier: TokenCarrier = 'query';
 * ```
 */
export type TokenCarrier = 'path' | 'query' | 'header' | 'cookie';

/**
 * The first token source present, or why there is none to verify.
 *
 * @example
 * ```ts
 * import { extractToken, type TokenSource } from '@urlseal/edge/contract';
 * const source: TokenSource = extractToken('/a.mp4?st=x&e=1', () => undefined).source;
 * if (typeof source === 'object' && source.scheme === 'secure-token') source.e; // '1'
 * ```
 */
export type TokenSource =
  | { readonly scheme: 'jwt'; readonly carrier: TokenCarrier; readonly token: string }
  | { readonly scheme: 'secure-token'; readonly carrier: 'query'; readonly st: string; readonly e: string }
  | 'missing'
  | 'malformed';

/**
 * What {@link extractToken} finds in a request.
 *
 * @example
 * ```ts
 * import { extractToken, type ExtractedRequest } from '@urlseal/edge/contract';
 * const found: ExtractedRequest = extractToken('/v/a.mp4?token=abc.def.ghi&x=1', () => undefined);
 * found.target; // '/v/a.mp4?x=1'
 * ```
 */
export interface ExtractedRequest {
  readonly source: TokenSource;
  /** The canonical decoded path the token must grant; `undefined` when the request path is not canonical. */
  readonly path: string | undefined;
  /** The request-target forwarded on success (every carrier removed); `undefined` when not canonical. */
  readonly target: string | undefined;
}

const MISSING = 'missing';
const MALFORMED = 'malformed';

const PLUS = /\+/g;

/** Form-decodes a query component (`+` is a space); `undefined` on a bad escape. */
export function decodeComponent(raw: string): string | undefined {
  if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
  try {
    return decodeURIComponent(raw.replace(PLUS, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Which carrier a query parameter (`name=value`, or a raw name alone) is: 0
 * token, 1 st, 2 e, -1 none. Also for runtimes that hand over the query
 * already split into raw names (CloudFront Functions): the same test
 * `scanQuery` applies to each part.
 */
export function carrierIndex(part: string, params: TokenParams): number {
  const eq = part.indexOf('=');
  const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
  return name === params.token ? 0 : name === params.st ? 1 : name === params.e ? 2 : -1;
}

/** A query read once: its token source (SPEC §6) and the query forwarded without any carrier. */
export interface QueryScan {
  /** `undefined` when the query holds no carrier. */
  readonly source: TokenSource | undefined;
  /** `?…` without `token`/`st`/`e` parameters, or '' when nothing is left. */
  readonly forward: string;
}

const NO_QUERY: QueryScan = { source: undefined, forward: '' };

/** One pass over the query parameters: the carriers found, and what the origin may see. */
export function scanQuery(query: string | undefined, params: TokenParams): QueryScan {
  if (query === undefined) return NO_QUERY;
  let token: string | undefined;
  let st: string | undefined;
  let e: string | undefined;
  let malformed = false;
  let kept: string | undefined; // built only once a carrier is found
  // indexOf over the query rather than split('&'): no array per request on the hot path.
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const part = query.slice(start, end);
    const index = part === '' ? -1 : carrierIndex(part, params);
    if (index < 0) {
      if (kept !== undefined) kept = kept === '' ? part : `${kept}&${part}`;
    } else {
      // What precedes the first carrier goes on byte for byte.
      if (kept === undefined) kept = start === 0 ? '' : query.slice(0, start - 1);
      const eq = part.indexOf('=');
      const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
      if (value === undefined || (index === 0 ? token : index === 1 ? st : e) !== undefined) malformed = true;
      const text = value === undefined ? '' : value;
      if (index === 0) token = text;
      else if (index === 1) st = text;
      else e = text;
    }
    start = end + 1;
  }
  if (kept === undefined) return { source: undefined, forward: `?${query}` };
  // A bad escape or a repeated carrier is malformed; so is a token beside st/e, an empty token, or st without e.
  const source: TokenSource = malformed
    ? MALFORMED
    : token !== undefined
      ? st === undefined && e === undefined && token !== '' ? { scheme: 'jwt', carrier: 'query', token } : MALFORMED
      : st !== undefined && e !== undefined ? { scheme: 'secure-token', carrier: 'query', st, e } : MALFORMED;
  return { source, forward: kept === '' ? '' : `?${kept}` };
}

/**
 * A scan whose forwarded query leaves out every parameter named `name` (its
 * name decoded as `scanQuery` decodes names): the `cmcd: 'drop'` option.
 * The token source is the scan's own: a dropped parameter is never a carrier.
 */
export function withoutQueryParameter(scan: QueryScan, name: string): QueryScan {
  if (scan.forward === '') return scan;
  const parts = scan.forward.slice(1).split('&');
  const kept = parts.filter((part) => {
    const eq = part.indexOf('=');
    return decodeComponent(eq < 0 ? part : part.slice(0, eq)) !== name;
  });
  return kept.length === parts.length ? scan : { source: scan.source, forward: kept.length === 0 ? '' : `?${kept.join('&')}` };
}

// `Bearer`, case-insensitive, then a run of spaces or tabs or the end (SPEC §6);
// `(?![\s\S])` is the end on every engine (`$` in PCRE also matches before a newline).
const BEARER = /^bearer(?:[ \t]+|(?![\s\S]))/i;

// A `Bearer` credential anywhere in an `Authorization` value: at its start or as any
// `,`-separated element (a Fetch `Headers` object joins two lines into `Basic …, Bearer …`),
// `Bearer` then a space or tab, or alone in its element.
const HOLDS_BEARER = /(?:^|,)\s*bearer(?:[ \t]|\s*,|\s*(?![\s\S]))/i;

/**
 * `Bearer <token>` (SPEC §6: the scheme case-insensitive, then any run of
 * spaces or tabs); `undefined` for another scheme (`Basic`, or `Bearerx`),
 * which is not a source. A value holding a Bearer credential beside anything
 * else (several credentials joined by `,`) is malformed (docs/spec.md §9).
 */
function bearerSource(authorization: string | undefined): TokenSource | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  if (value.indexOf(',') >= 0) return HOLDS_BEARER.test(value) ? MALFORMED : undefined;
  const scheme = BEARER.exec(value);
  if (scheme === null) return undefined;
  const token = value.slice(scheme[0].length);
  return token === '' ? MALFORMED : { scheme: 'jwt', carrier: 'header', token };
}

/** A Cookie header's pairs: the raw `pair`, its `name` and its `value` (unquoted, RFC 6265). */
function cookiePairs(header: string): { name: string; value: string; pair: string }[] {
  const pairs: { name: string; value: string; pair: string }[] = [];
  const parts = header.split(';');
  for (let i = 0; i < parts.length; i++) {
    const pair = (parts[i] as string).trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    // RFC 6265 allows a cookie value wrapped in double quotes.
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    pairs.push({ name: eq < 0 ? pair : pair.slice(0, eq).trim(), value, pair });
  }
  return pairs;
}

function cookieSource(header: string | undefined, name: string): TokenSource | undefined {
  if (header === undefined) return undefined;
  const values = cookiePairs(header).filter((cookie) => cookie.name === name);
  if (values.length === 0) return undefined;
  const token = (values[0] as { value: string }).value;
  // Two token cookies are a duplicated source; an empty one is malformed.
  return values.length > 1 || token === '' ? MALFORMED : { scheme: 'jwt', carrier: 'cookie', token };
}

/**
 * The one token source of a request (SPEC §6): the path token, then the query,
 * then `Authorization: Bearer`, then the cookie. Headers are read only when no
 * earlier source is present.
 */
export function findSource(target: Target, query: QueryScan, header: (name: string) => string | undefined, params: TokenParams): TokenSource {
  const pathToken = target.pathToken;
  if (pathToken !== undefined) return pathToken === false ? MALFORMED : { scheme: 'jwt', carrier: 'path', token: pathToken };
  return query.source || bearerSource(header('authorization')) || cookieSource(header('cookie'), params.cookie) || MISSING;
}

/**
 * Whether an `Authorization` value holds a `Bearer` token (used or not, alone
 * or joined with other credentials): such a header never reaches the origin
 * (SPEC §7), not even its other credentials. Another scheme alone (`Basic`) may.
 */
export function isBearer(authorization: string): boolean {
  return HOLDS_BEARER.test(authorization);
}

/**
 * Whether the `Authorization` lines of a request (each as received) may reach
 * the origin: only when none of them, nor their join, holds a Bearer
 * credential. One reading for every adapter that sees the lines one by one,
 * the same as a Web runtime's joined value.
 */
export function forwardsAuthorization(lines: readonly string[]): boolean {
  for (let i = 0; i < lines.length; i++) if (isBearer(lines[i] as string)) return false;
  return true;
}

/**
 * The value of one request header as it may reach the origin (SPEC §7: every
 * carrier removed, also those not used): a `Bearer` `Authorization` header is
 * dropped (`undefined`), the token cookie is cut out of a `Cookie` header
 * (dropped when nothing else is left), any other header passes unchanged.
 * `name` is lower-case. Apply it to each header line as received.
 */
export function forwardHeader(name: string, value: string, params: TokenParams): string | undefined {
  if (name === 'authorization') return isBearer(value) ? undefined : value;
  if (name !== 'cookie') return value;
  const pairs = cookiePairs(value);
  const kept = pairs.filter((cookie) => cookie.name !== params.cookie);
  if (kept.length === pairs.length) return value;
  return kept.length > 0 ? kept.map((cookie) => cookie.pair).join('; ') : undefined;
}

/**
 * Reads the one token source of a raw request-target and its headers the way
 * the edge does (SPEC §6: path segment, query, `Authorization: Bearer`,
 * cookie; the first present wins, no fallback), with the canonical path it
 * must grant and the carrier-free target the edge would forward.
 *
 * @example
 * ```ts
 * import { extractToken, DEFAULT_TOKEN_PARAMS } from '@urlseal/edge/contract';
 * const r = extractToken('/v/a.mp4?token=abc.def.ghi&x=1', () => undefined, DEFAULT_TOKEN_PARAMS);
 * r.source; // { scheme: 'jwt', carrier: 'query', token: 'abc.def.ghi' }
 * r.target; // '/v/a.mp4?x=1'
 * ```
 */
export function extractToken(
  target: string,
  header: (name: string) => string | undefined,
  names?: TokenParams,
): ExtractedRequest {
  const params = names ?? DEFAULT_TOKEN_PARAMS;
  const read = readTarget(target, `/${params.pathSegment}/`);
  if (read === undefined) {
    // Not canonical: the edge denies before reading a token; report the other carriers all the same.
    const q = typeof target === 'string' ? target.indexOf('?') : -1;
    const query = q < 0 ? undefined : target.slice(q + 1);
    const source = findSource({ path: '', rawPath: '', query, pathToken: undefined }, scanQuery(query, params), header, params);
    return { source, path: undefined, target: undefined };
  }
  const query = scanQuery(read.query, params);
  return { source: findSource(read, query, header, params), path: read.path, target: read.rawPath + query.forward };
}

/**
 * Whether one raw path segment is the path-token segment name as the edge
 * reads it: on the decoded path, so `%5Ftoken` is `_token` (docs/spec.md §9).
 */
export function isPathSegmentName(raw: string, name: string): boolean {
  if (raw === name) return true;
  if (raw.indexOf('%') < 0) return false;
  try {
    return decodeURIComponent(raw) === name;
  } catch {
    return false;
  }
}

/**
 * A path or URI with every token it carries replaced by `…`, found as the edge
 * finds carriers: the segment after any segment whose decoded name is the
 * path-token segment (`/%5Ftoken/<jwt>/` too), and the values of query
 * parameters whose decoded name is `token` or `st` (`mark` instead of `…` when
 * given). For logs and reports: what a token could hide in is never printed,
 * whatever its spelling.
 *
 * @example
 * ```ts
 * import { redactTokens } from '@urlseal/edge/contract';
 * redactTokens('https://cdn.example/%5Ftoken/eyJ.a.b/v/a.ts?%74oken=eyJ.c.d&x=1');
 * // 'https://cdn.example/%5Ftoken/…/v/a.ts?%74oken=…&x=1'
 * ```
 */
export function redactTokens(uri: string, names?: TokenParams, mark?: string): string {
  const params = names ?? DEFAULT_TOKEN_PARAMS;
  const hidden = mark === undefined ? '…' : mark;
  const hash = uri.indexOf('#');
  const rest = hash < 0 ? uri : uri.slice(0, hash);
  const q = rest.indexOf('?');
  const segments = (q < 0 ? rest : rest.slice(0, q)).split('/');
  for (let i = 0; i + 1 < segments.length; i++) {
    if (isPathSegmentName(segments[i] as string, params.pathSegment)) segments[i + 1] = hidden;
  }
  let out = segments.join('/');
  if (q >= 0) {
    const parts = rest.slice(q + 1).split('&');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      const index = carrierIndex(part, params);
      if (index === 0 || index === 1) parts[i] = `${part.split('=')[0] as string}=${hidden}`;
    }
    out += `?${parts.join('&')}`;
  }
  return hash < 0 ? out : out + uri.slice(hash);
}
