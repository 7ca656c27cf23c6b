// The request-target as the checks read it (SPEC §2, §6): printable ASCII
// only, no raw `#`, absolute-form read as its path and query, the whole path
// canonical, and a leading `/<pathSegment>/<jwt>` split off. Pure string work:
// a WHATWG URL would normalise the bytes we must check as they are.
import { MAX_TOKEN_BYTES } from './jwt.js';
import { MAX_PATH_LENGTH, tryCanonicalPath } from './path.js';
import { utf8Length } from './lib/utf8.js';

/**
 * A request-target that passed the path rules, split into what is checked and
 * what is forwarded.
 */
export interface Target {
  /** The canonical decoded path the grant must cover (without a path token). */
  readonly path: string;
  /** The raw path forwarded to the origin, byte for byte (without a path token). */
  readonly rawPath: string;
  /** The raw query after `?`, or `undefined` when the target has no `?`. */
  readonly query: string | undefined;
  /** The token of a `/<pathSegment>/<jwt>/` prefix; `false` when that prefix is malformed. */
  readonly pathToken: string | false | undefined;
}

const SLASH = 0x2f;
// Anything but printable ASCII 0x21–0x7E, and `#` (a regex scans a target faster than a loop).
const NOT_PRINTABLE = /[^\x21\x22\x24-\x7e]/;

/** Where the path starts: 0 for origin-form, after `scheme://authority` for absolute-form, else -1. */
function pathStart(target: string): number {
  if (target.charCodeAt(0) === SLASH) return 0;
  const colon = target.indexOf('://');
  if (colon < 1 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(target.slice(0, colon))) return -1;
  let end = colon + 3;
  while (end < target.length && target.charCodeAt(end) !== SLASH && target.charCodeAt(end) !== 0x3f) end++;
  return end;
}

// The `/<pathSegment>/` prefix of the last segment name seen: a verifier has one, and
// building the string per request would cost an allocation on the hot path.
let lastSegment = '';
let lastPrefix = '';

function segmentPrefix(pathSegment: string): string {
  if (pathSegment !== lastSegment) {
    lastPrefix = `/${pathSegment}/`;
    lastSegment = pathSegment;
  }
  return lastPrefix;
}

// A token segment of base64url and dots only: canonical as it stands, no decoding needed.
const PLAIN_TOKEN = /^[A-Za-z0-9._-]+$/;

/**
 * The common path-token request, read without decoding the token segment twice:
 * `/<segment>/<base64url>/<rest>` is canonical exactly when `<rest>` is (the token
 * segment needs no decoding and is not a dot segment), within the same bounds as
 * the general reading. `'general'` when the token segment needs that reading.
 */
function withPlainPathToken(raw: string, prefix: string, maxBytes: number, query: string | undefined): Target | undefined | 'general' {
  const slash = raw.indexOf('/', prefix.length);
  if (slash < 0) return 'general';
  const token = raw.slice(prefix.length, slash);
  if (!PLAIN_TOKEN.test(token) || token === '.' || token === '..') return 'general';
  const rawRest = raw.slice(slash);
  const path = tryCanonicalPath(rawRest);
  if (path === undefined) return undefined;
  const restBytes = path === rawRest ? path.length : utf8Length(path);
  if (prefix.length + token.length + restBytes > maxBytes) return undefined;
  // A second token segment would reach the origin: it makes the path token malformed.
  return { path, rawPath: rawRest, query, pathToken: path.includes(prefix) ? false : token };
}

/**
 * Reads a raw request-target (SPEC §2, §6). Returns `undefined` when it is not
 * canonical: a byte outside printable ASCII, a raw `#`, neither origin- nor
 * absolute-form, a non-canonical path, or a path over {@link MAX_PATH_LENGTH}
 * bytes once the path token is removed.
 */
export function readTarget(target: string, pathSegment: string): Target | undefined {
  // No cap of its own: the runtime's header limit bounds the target; the path
  // (below) and the token (§4) have theirs, so a huge token is malformed, not a path fault.
  if (typeof target !== 'string' || target.length === 0 || NOT_PRINTABLE.test(target)) return undefined;
  const start = pathStart(target);
  if (start < 0) return undefined;
  const q = target.indexOf('?', start);
  const raw = q < 0 ? target.slice(start) : target.slice(start, q);
  const rawRequestPath = raw === '' ? '/' : raw;
  const query = q < 0 ? undefined : target.slice(q + 1);
  const prefix = segmentPrefix(pathSegment);
  const maxBytes = MAX_PATH_LENGTH + MAX_TOKEN_BYTES + prefix.length;
  if (rawRequestPath.startsWith(prefix)) {
    const read = withPlainPathToken(rawRequestPath, prefix, maxBytes, query);
    if (read !== 'general') return read;
  }
  const decoded = tryCanonicalPath(rawRequestPath, maxBytes);
  if (decoded === undefined) return undefined;
  if (!decoded.startsWith(prefix)) {
    // A path without `%` decoded to itself: its length is its byte count.
    const bytes = decoded === rawRequestPath ? decoded.length : utf8Length(decoded);
    return bytes > MAX_PATH_LENGTH ? undefined : { path: decoded, rawPath: rawRequestPath, query, pathToken: undefined };
  }
  const slash = decoded.indexOf('/', prefix.length);
  if (slash < 0) return { path: decoded, rawPath: rawRequestPath, query, pathToken: false };
  const path = decoded.slice(slash);
  if (utf8Length(path) > MAX_PATH_LENGTH) return undefined;
  // `%2F` never decodes, so raw and decoded slashes stand at the same segment boundaries.
  const rawSlash = rawRequestPath.indexOf('/', rawRequestPath.indexOf('/', 1) + 1);
  // A second token segment would reach the origin: it makes the path token malformed.
  const pathToken = path.includes(prefix) ? false : decoded.slice(prefix.length, slash);
  return { path, rawPath: rawRequestPath.slice(rawSlash), query, pathToken };
}
