// Finding the one token source of a request (SPEC §6) and removing every token
// carrier from what is forwarded, so origin logs and cache keys never hold a
// token. Pure string work on the raw request-target: no URL parsing, which
// would normalise the path we must check byte for byte.

/**
 * Names of the token carriers (SPEC §6; configurable).
 *
 * @example
 * ```ts
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
 * import { DEFAULT_TOKEN_PARAMS } from '@urlseal/edge';
 * DEFAULT_TOKEN_PARAMS.pathSegment; // '_token'
 * ```
 */
export const DEFAULT_TOKEN_PARAMS: TokenParams = Object.freeze({
  token: 'token',
  st: 'st',
  e: 'e',
  cookie: 'urlseal',
  pathSegment: '_token',
});

const PARAM_NAMES = new Set(['token', 'st', 'e', 'cookie', 'pathSegment']);
// A cookie name is an RFC 6265 token; parameter and segment names are
// unreserved URL characters, so they match their raw spelling.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const PARAM_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

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
export function readTokenParams(value: unknown, caller = 'createVerifier'): TokenParams {
  const fail = (name: string, problem: string): never => {
    throw new TypeError(`${caller}: option "${name}" ${problem}`);
  };
  if (value === undefined) return DEFAULT_TOKEN_PARAMS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('params', 'must be an object');
  const params: Record<string, string> = { ...DEFAULT_TOKEN_PARAMS };
  for (const [name, given] of Object.entries(value)) {
    if (!PARAM_NAMES.has(name)) fail(`params.${name}`, 'is unknown; expected token, st, e, cookie or pathSegment');
    if (given === undefined) continue;
    const pattern = name === 'cookie' ? COOKIE_NAME : PARAM_NAME;
    if (typeof given !== 'string' || !pattern.test(given) || given === '.' || given === '..') {
      fail(`params.${name}`, 'must be a short name of URL-safe characters (A-Z a-z 0-9 . _ ~ -)');
    }
    params[name] = given as string;
  }
  const { token, st, e } = params;
  if (token === st || token === e || st === e) fail('params', 'token, st and e must be three different names');
  return Object.freeze(params) as unknown as TokenParams;
}

/**
 * Where the token came from.
 *
 * @example
 * ```ts
 * const carrier: TokenCarrier = 'query';
 * ```
 */
export type TokenCarrier = 'path' | 'query' | 'header' | 'cookie';

/**
 * The first token source present, or why there is none to verify.
 *
 * @example
 * ```ts
 * const { source } = extractToken('/a.mp4?st=x&e=1', () => undefined);
 * if (typeof source === 'object' && source.scheme === 'secure-token') source.e; // '1'
 * ```
 */
export type TokenSource =
  | { readonly scheme: 'jwt'; readonly carrier: TokenCarrier; readonly token: string }
  | { readonly scheme: 'secure-token'; readonly carrier: 'query'; readonly st: string; readonly e: string }
  | 'missing'
  | 'malformed';

/**
 * A request split into what is checked and what is forwarded.
 *
 * @example
 * ```ts
 * const extracted: ExtractedRequest = extractToken(req.url!, (name) => req.headers[name] as string | undefined);
 * extracted.target; // what the origin receives
 * ```
 */
export interface ExtractedRequest {
  readonly source: TokenSource;
  /** The raw request path as received, a `/_token/<jwt>` prefix included. */
  readonly requestPath: string;
  /** The raw path the token must grant (without a `/_token/<jwt>` prefix). */
  readonly rawPath: string;
  /** The request-target forwarded on success: `rawPath` plus the query without carriers. */
  readonly target: string;
  readonly deleteAuthorization: boolean;
  /** `undefined`: leave the Cookie header; `null`: delete it; a string: replace it. */
  readonly cookie: string | null | undefined;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i;
  HEX[0x61 + i] = 10 + i;
}

/** Form-decodes a query component (`+` is a space); `undefined` on a bad escape. */
function decodeComponent(raw: string): string | undefined {
  if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

interface QueryScan {
  token: string[];
  st: string[];
  e: string[];
  /** Raw parts kept for the origin, in their order and raw spelling. */
  kept: string[];
  removed: boolean;
  undecodable: boolean;
}

function scanQuery(query: string, params: TokenParams): QueryScan {
  const scan: QueryScan = { token: [], st: [], e: [], kept: [], removed: false, undecodable: false };
  if (query.length === 0) return scan;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const list =
      name === params.token ? scan.token : name === params.st ? scan.st : name === params.e ? scan.e : undefined;
    if (list === undefined) {
      scan.kept.push(part);
      continue;
    }
    scan.removed = true;
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (value === undefined) scan.undecodable = true;
    list.push(value ?? '');
  }
  return scan;
}

/** The query source of SPEC §6, or undefined when no query carrier is present. */
function querySource(scan: QueryScan): TokenSource | undefined {
  const { token, st, e } = scan;
  if (token.length === 0 && st.length === 0 && e.length === 0) return undefined;
  if (scan.undecodable || token.length > 1 || st.length > 1 || e.length > 1) return 'malformed';
  if (token.length === 1) {
    return st.length === 0 && e.length === 0 && token[0] !== '' ? { scheme: 'jwt', carrier: 'query', token: token[0] as string } : 'malformed';
  }
  if (st.length !== 1 || e.length !== 1) return 'malformed';
  return { scheme: 'secure-token', carrier: 'query', st: st[0] as string, e: e[0] as string };
}

/** `Bearer <token>` (scheme case-insensitive, RFC 7235); other schemes are not a source. */
function bearerSource(authorization: string | undefined): TokenSource | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  const token = space < 0 ? '' : value.slice(space + 1).trimStart();
  return token === '' ? 'malformed' : { scheme: 'jwt', carrier: 'header', token };
}

interface CookieScan {
  values: string[];
  kept: string[];
}

function scanCookies(header: string | undefined, name: string): CookieScan {
  const scan: CookieScan = { values: [], kept: [] };
  if (header === undefined) return scan;
  for (const raw of header.split(';')) {
    const pair = raw.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq).trim()) !== name) {
      scan.kept.push(pair);
      continue;
    }
    let value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    // RFC 6265 allows a cookie value wrapped in double quotes.
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    scan.values.push(value);
  }
  return scan;
}

function cookieSource(scan: CookieScan): TokenSource | undefined {
  if (scan.values.length === 0) return undefined;
  if (scan.values.length > 1 || scan.values[0] === '') return 'malformed';
  return { scheme: 'jwt', carrier: 'cookie', token: scan.values[0] as string };
}

/** Splits `/<segment>/<jwt>/<rest>` into the token and `/<rest>`. */
function pathSource(path: string, segment: string): { source: TokenSource; rawPath: string } | undefined {
  const prefix = `/${segment}/`;
  if (!path.startsWith(prefix)) return undefined;
  const slash = path.indexOf('/', prefix.length);
  if (slash < 0) return { source: 'malformed', rawPath: path };
  const token = path.slice(prefix.length, slash);
  return { source: token === '' ? 'malformed' : { scheme: 'jwt', carrier: 'path', token }, rawPath: path.slice(slash) };
}

/**
 * Reads the one token source of a request (SPEC §6: path segment, query,
 * `Authorization: Bearer`, cookie; the first present wins, no fallback) and
 * computes the carrier-free request-target and header changes for the origin.
 * `target` is the raw request-target (`/path?query`) as received.
 *
 * @example
 * ```ts
 * import { extractToken, DEFAULT_TOKEN_PARAMS } from '@urlseal/edge';
 * const r = extractToken('/v/a.mp4?token=abc.def.ghi&x=1', () => undefined, DEFAULT_TOKEN_PARAMS);
 * r.target; // '/v/a.mp4?x=1'
 * ```
 */
export function extractToken(
  target: string,
  header: (name: string) => string | undefined,
  params: TokenParams = DEFAULT_TOKEN_PARAMS,
): ExtractedRequest {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);

  const fromPath = pathSource(path, params.pathSegment);
  const rawPath = fromPath?.rawPath ?? path;
  const queryScan = scanQuery(query, params);
  const authorization = header('authorization');
  const bearer = bearerSource(authorization);
  const cookies = scanCookies(header('cookie'), params.cookie);

  const source =
    fromPath?.source ?? querySource(queryScan) ?? bearer ?? cookieSource(cookies) ?? 'missing';

  let forwardQuery = '';
  if (!queryScan.removed) forwardQuery = q < 0 ? '' : `?${query}`;
  else if (queryScan.kept.length > 0) forwardQuery = `?${queryScan.kept.join('&')}`;

  let cookie: string | null | undefined;
  if (cookies.values.length > 0) cookie = cookies.kept.length > 0 ? cookies.kept.join('; ') : null;

  return {
    source,
    requestPath: path,
    rawPath,
    target: rawPath + forwardQuery,
    deleteAuthorization: bearer !== undefined,
    cookie,
  };
}
