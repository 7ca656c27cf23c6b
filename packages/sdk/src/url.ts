import { argumentError } from './misuse.js';

/**
 * A URL split into the pieces signing touches, kept as raw text: re-serialising
 * through WHATWG `URL` would resolve `%2e%2e` or re-encode the path, and the
 * signer must check and send exactly the path the edge will see.
 */
export interface UrlParts {
  /** `https://host:port` for an absolute URL, `''` for a path-only URL. */
  readonly origin: string;
  /** The raw (percent-encoded) path. */
  readonly path: string;
  /** The query without `?`, `''` when absent. */
  readonly query: string;
  /** The fragment with its `#`, `''` when absent. */
  readonly hash: string;
}

const ORIGIN_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
// The authority a signed URL may have: a host name or IP literal and an optional port, nothing
// a browser (WHATWG URL) and a naive parser could split differently: no userinfo (`@`), `\`
// (a browser reads it as `/`), whitespace or control characters (a browser drops them),
// percent-escapes or non-ASCII (a browser decodes or punycodes them).
const AUTHORITY_PATTERN = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/;

// Characters a browser would percent-encode in a path before sending it.
// `%` is left alone: the path may already be encoded, and decoding happens once, at the check.
const UNENCODED_PATH = /[^\x21-\x7e]|["<>`{}|^]/gu;
// In the query only what cannot travel raw at all: spaces, controls, non-ASCII.
const UNENCODED_QUERY = /[^\x21-\x7e]/gu;

function encodeLoose(text: string, unencoded: RegExp, fn: string): string {
  try {
    return text.replace(unencoded, (c) => encodeURIComponent(c));
  } catch {
    throw argumentError(fn, 'url', 'holds a lone surrogate; it is not valid UTF-8');
  }
}

/**
 * Refuses an absolute URL whose host and port a browser would read otherwise than the raw
 * text says (`https://cdn.example\@evil.example/…`, `https://127.1/…`): the signer keeps
 * the raw text, so the two must agree exactly (host case aside, and a default port).
 */
function checkAuthority(url: string, origin: string, fn: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined) throw argumentError(fn, 'url', 'is not a valid absolute URL');
  const match = AUTHORITY_PATTERN.exec(origin.slice(origin.indexOf('://') + 3));
  const [, host, port] = match ?? [];
  const agrees = host !== undefined
    && parsed.hostname === host.toLowerCase()
    && (port === undefined ? parsed.port === '' : String(Number(port)) === port && (parsed.port === port || parsed.port === ''));
  if (!agrees) {
    throw argumentError(fn, 'url', 'has an authority a browser reads differently (userinfo, "\\", a percent-escape, whitespace, a non-ASCII or numeric-shorthand host); write it as scheme://host[:port], the host as a browser shows it');
  }
}

/**
 * Splits an absolute URL (`https://cdn.example/a.mp4?x=1`) or a path (`/a.mp4?x=1`).
 * Spaces and non-ASCII characters are percent-encoded as a browser would send them
 * (in the path also `"<>` and the like); `%XX` is kept as written. `fn` names the
 * caller in errors.
 */
export function splitUrl(url: string, fn: string): UrlParts {
  const shape = 'must be an absolute URL or a path starting with "/"';
  if (typeof url !== 'string' || url.length === 0) throw argumentError(fn, 'url', shape);
  const origin = ORIGIN_PATTERN.exec(url)?.[0] ?? '';
  if (origin === '' && !url.startsWith('/')) throw argumentError(fn, 'url', shape);
  if (origin !== '') checkAuthority(url, origin, fn);
  let rest = url.slice(origin.length);
  let hash = '';
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) [rest, hash] = [rest.slice(0, hashAt), rest.slice(hashAt)];
  let query = '';
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) [rest, query] = [rest.slice(0, queryAt), rest.slice(queryAt + 1)];
  return {
    origin,
    path: encodeLoose(rest === '' ? '/' : rest, UNENCODED_PATH, fn),
    query: encodeLoose(query, UNENCODED_QUERY, fn),
    hash,
  };
}

/**
 * The request-target a browser sends for a URL: its path and query, encoded as
 * `splitUrl` encodes them, without the fragment. No other normalisation: `%2e%2e`
 * stays as written, so the edge's checks see what a client could send.
 */
export function requestTarget(url: string, fn: string): string {
  const parts = splitUrl(url, fn);
  return parts.query === '' ? parts.path : `${parts.path}?${parts.query}`;
}

/** The names of the query parameters, decoded, as the edge will read them. */
export function queryNames(query: string): string[] {
  return query === '' ? [] : [...new URLSearchParams(query).keys()];
}

/** Appends `key=value` pairs (already URL-safe) to a raw query, keeping what was there. */
export function appendQuery(query: string, pairs: string): string {
  return query === '' ? pairs : `${query}&${pairs}`;
}

/** Joins the pieces back into one URL of the same kind as the input. */
export function joinUrl(parts: UrlParts): string {
  return `${parts.origin}${parts.path}${parts.query === '' ? '' : `?${parts.query}`}${parts.hash}`;
}

/**
 * Percent-encodes a decoded canonical path for places that need its raw form
 * (a cookie `Path`): every byte outside the RFC 3986 path characters.
 */
export function encodePath(decoded: string): string {
  return decoded.replace(/[^A-Za-z0-9\-._~!$&'()*+,=:@/]/gu, (c) => encodeURIComponent(c));
}
