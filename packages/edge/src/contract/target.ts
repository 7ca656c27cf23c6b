// The request-target as the checks read it (SPEC §2, §6): printable ASCII
// only, no raw `#`, absolute-form read as its path and query, the whole path
// canonical, and a leading `/<pathSegment>/<jwt>` split off. Pure string work:
// a WHATWG URL would normalise the bytes we must check as they are.
import { MAX_TOKEN_BYTES } from './jwt.js';
import { MAX_PATH_LENGTH, decodedLength, tryCanonicalPath } from './path.js';

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

// Anything but printable ASCII 0x21–0x7E, and `#` (a regex scans a target faster than a loop).
const NOT_PRINTABLE = /[^\x21\x22\x24-\x7e]/;
// The `scheme://authority` of an absolute-form target (RFC 9112 §3.2.2), read as
// the path and query that follow it.
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

// A token segment of base64url and dots only: canonical as it stands, no decoding needed.
const PLAIN_TOKEN = /^[A-Za-z0-9._-]+(?![\s\S])/;

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
  const restBytes = decodedLength(rawRest);
  if (prefix.length + token.length + restBytes > maxBytes) return undefined;
  // A second token segment would reach the origin: it makes the path token malformed.
  return { path, rawPath: rawRest, query, pathToken: path.includes(prefix) ? false : token };
}

/**
 * Reads a raw request-target (SPEC §2, §6). Returns `undefined` when it is not
 * canonical: a byte outside printable ASCII, a raw `#`, neither origin- nor
 * absolute-form, a non-canonical path, or a path over {@link MAX_PATH_LENGTH}
 * bytes once the path token is removed. `prefix` is `/<pathSegment>/`, made
 * once per verifier (Prepared.pathPrefix), not per request.
 */
export function readTarget(target: string, prefix: string): Target | undefined {
  // No cap of its own: the runtime's header limit bounds the target; the path
  // (below) and the token (§4) have theirs, so a huge token is malformed, not a path fault.
  if (typeof target !== 'string' || NOT_PRINTABLE.test(target)) return undefined;
  // Split at the first `?` with indexOf: origin-form, the common case, needs no regex.
  const q = target.indexOf('?');
  let rawRequestPath = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? undefined : target.slice(q + 1);
  // Left out of bundles for runtimes that hand over origin-form targets only (CloudFront's
  // `uri`; scripts/build-cloudfront.js): there a target that does not start with `/` is
  // not canonical, as an unreadable absolute-form one is here.
  ABSOLUTE_FORM: if (rawRequestPath.charCodeAt(0) !== 0x2f) {
    const authority = ABSOLUTE.exec(rawRequestPath);
    if (authority === null) return undefined;
    rawRequestPath = rawRequestPath.slice(authority[0].length) || '/';
  }
  const maxBytes = MAX_PATH_LENGTH + MAX_TOKEN_BYTES + prefix.length;
  // Speed only, the general reading below answers the same: esbuild drops this
  // statement from the floor bundles, where every byte counts (scripts/floor.js).
  NOT_ON_FLOOR: if (rawRequestPath.startsWith(prefix)) {
    const read = withPlainPathToken(rawRequestPath, prefix, maxBytes, query);
    if (read !== 'general') return read;
  }
  const decoded = tryCanonicalPath(rawRequestPath, maxBytes);
  if (decoded === undefined) return undefined;
  if (!decoded.startsWith(prefix)) {
    return decodedLength(rawRequestPath) > MAX_PATH_LENGTH ? undefined : { path: decoded, rawPath: rawRequestPath, query, pathToken: undefined };
  }
  const slash = decoded.indexOf('/', prefix.length);
  if (slash < 0) return { path: decoded, rawPath: rawRequestPath, query, pathToken: false };
  const path = decoded.slice(slash);
  // `%2F` never decodes, so raw and decoded slashes stand at the same segment boundaries.
  const rawPath = rawRequestPath.slice(rawRequestPath.indexOf('/', rawRequestPath.indexOf('/', 1) + 1));
  if (decodedLength(rawPath) > MAX_PATH_LENGTH) return undefined;
  // A second token segment would reach the origin: it makes the path token malformed.
  const pathToken = path.includes(prefix) ? false : decoded.slice(prefix.length, slash);
  return { path, rawPath, query, pathToken };
}
