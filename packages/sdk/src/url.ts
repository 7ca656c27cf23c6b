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

// Characters a browser would percent-encode in a path before sending it.
// `%` is left alone: the path may already be encoded, and decoding happens once, at the check.
const UNENCODED = /[^\x21-\x7e]|["<>`{}|^]/gu;

function encodeLoose(path: string): string {
  try {
    return path.replace(UNENCODED, (c) => encodeURIComponent(c));
  } catch {
    throw new TypeError('url holds a lone surrogate; it is not valid UTF-8');
  }
}

/**
 * Splits an absolute URL (`https://cdn.example/a.mp4?x=1`) or a path
 * (`/a.mp4?x=1`). Spaces and non-ASCII characters in the path are
 * percent-encoded as a browser would send them; `%XX` is kept as written.
 */
export function splitUrl(url: string): UrlParts {
  if (typeof url !== 'string' || url.length === 0) throw new TypeError('url must be an absolute URL or a path starting with "/"');
  const origin = ORIGIN_PATTERN.exec(url)?.[0] ?? '';
  if (origin === '' && !url.startsWith('/')) throw new TypeError('url must be an absolute URL or a path starting with "/"');
  if (origin !== '' && !URL.canParse(url)) throw new TypeError('url is not a valid absolute URL');
  let rest = url.slice(origin.length);
  let hash = '';
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) [rest, hash] = [rest.slice(0, hashAt), rest.slice(hashAt)];
  let query = '';
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) [rest, query] = [rest.slice(0, queryAt), rest.slice(queryAt + 1)];
  return { origin, path: encodeLoose(rest === '' ? '/' : rest), query, hash };
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
