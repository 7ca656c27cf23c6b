// Canonical paths and grant patterns (SPEC §2). On the JavaScript floor
// (scripts/floor.js): CloudFront Functions and njs run this module as it is.

/**
 * Longest canonical path, in UTF-8 bytes after decoding (SPEC §2). A request
 * path may carry a `/_token/<jwt>` segment on top of it.
 *
 * @example
 * ```ts
 * import { MAX_PATH_LENGTH, tryCanonicalPath } from '@urlseal/edge/contract';
 * tryCanonicalPath('/' + 'a'.repeat(MAX_PATH_LENGTH)); // undefined (4097 bytes)
 * ```
 */
export const MAX_PATH_LENGTH = 4096;

/**
 * Most patterns one grant may hold (SPEC §2).
 *
 * @example
 * ```ts
 * import { MAX_GRANT_PATTERNS, parseGrant } from '@urlseal/edge/contract';
 * parseGrant(Array.from({ length: MAX_GRANT_PATTERNS + 1 }, (_, i) => `/p${i}`)); // undefined
 * ```
 */
export const MAX_GRANT_PATTERNS = 16;

const SLASH = 0x2f;

// Anything but printable ASCII, `;` and `\`: what may not stand unencoded in a raw path
// (it must be %XX). Searched for rather than matched whole with ^…$: in PCRE (njs,
// CloudFront Functions) `$` also matches before a final newline.
const NOT_RAW_PATH = /[^\x21-\x3a\x3c-\x5b\x5d-\x7e]/;
// A `%` without two hex digits, or an escape of `%`, `/` or `\`: a decoded `/`, `\` or `%`
// is never trusted, it would change meaning on a second decode.
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})|%(?:2[5Ff]|5[Cc])/;
// The segment rules of SPEC §2 on a decoded path that starts with `/`: no empty
// segment but a single trailing `/`, no `.` or `..` segment, no `;`, `\`, `%` or
// control character. One linear pass; a regex scans faster than a loop. `(?![\s\S])`
// is the end of the input on every engine (`$` in PCRE also matches before a final newline).
const CANONICAL_SHAPE = /^(?:\/(?!\.\.?(?:\/|(?![\s\S])))[^/;\\%\x00-\x1f\x7f]+)*\/?(?![\s\S])/;

// Any character beyond ASCII (two or more UTF-8 bytes, or a lone surrogate).
const NON_ASCII = /[^\x00-\x7f]/;

function hasCanonicalShape(path: string): boolean {
  return path.charCodeAt(0) === SLASH && CANONICAL_SHAPE.test(path);
}

/**
 * UTF-8 bytes of what a percent-encoded string decodes to, for one with only
 * valid escapes (a path tryCanonicalPath accepted, or encodeURIComponent's
 * output): each `%XX` is one byte, any other character one ASCII byte.
 */
export function decodedLength(encoded: string): number {
  // Most paths have no escape: no array to split them into.
  return encoded.indexOf('%') < 0 ? encoded.length : encoded.length - 2 * (encoded.split('%').length - 1);
}

/**
 * Decodes a raw request path exactly once, as nginx's `$uri` holds it, and
 * returns it if it is canonical (SPEC §2) and at most `maxBytes` UTF-8 bytes
 * long (default {@link MAX_PATH_LENGTH}), else `undefined`. Never throws.
 *
 * @example
 * ```ts
 * import { tryCanonicalPath } from '@urlseal/edge/contract';
 * tryCanonicalPath('/videos/my%20lesson.mp4'); // '/videos/my lesson.mp4'
 * tryCanonicalPath('/videos/%2e%2e/secret');   // undefined
 * ```
 */
export function tryCanonicalPath(rawPath: string, maxBytes?: number): string | undefined {
  const limit = maxBytes ?? MAX_PATH_LENGTH;
  // Each decoded byte takes at most three raw characters: a longer input is refused unread.
  if (typeof rawPath !== 'string' || rawPath.length > limit * 3 || NOT_RAW_PATH.test(rawPath)) return undefined;
  let decoded = rawPath;
  if (rawPath.indexOf('%') < 0) {
    if (rawPath.length > limit) return undefined;
  } else {
    if (BAD_ESCAPE.test(rawPath)) return undefined;
    if (decodedLength(rawPath) > limit) return undefined;
    try {
      // Decodes exactly once, and refuses invalid UTF-8 (overlong forms, surrogates,
      // beyond U+10FFFF) as a fatal TextDecoder does, on runtimes without one too.
      decoded = decodeURIComponent(rawPath);
    } catch {
      return undefined;
    }
  }
  return hasCanonicalShape(decoded) ? decoded : undefined;
}

/**
 * Whether an already-decoded path is canonical (the form grants and
 * secure-token MACs are written in).
 *
 * @example
 * ```ts
 * import { isCanonicalDecodedPath } from '@urlseal/edge/contract';
 * isCanonicalDecodedPath('/videos/my lesson.mp4'); // true
 * isCanonicalDecodedPath('/videos/../x');          // false
 * ```
 */
export function isCanonicalDecodedPath(path: string): boolean {
  return typeof path === 'string' && isCanonicalString(path);
}

/** isCanonicalDecodedPath of a value known to be a string. */
function isCanonicalString(path: string): boolean {
  if (path.length > MAX_PATH_LENGTH || !hasCanonicalShape(path)) return false;
  // ASCII is one byte a character, so the length above was the UTF-8 length: the
  // common case needs no encoding. Otherwise measure the UTF-8 form.
  if (!NON_ASCII.test(path)) return true;
  try {
    return decodedLength(encodeURIComponent(path)) <= MAX_PATH_LENGTH;
  } catch {
    return false; // a lone surrogate has no UTF-8 form
  }
}

/**
 * Whether a grant pattern is valid: an exact canonical decoded path, or a
 * canonical prefix ending in `/*`.
 *
 * @example
 * ```ts
 * import { isValidPattern } from '@urlseal/edge/contract';
 * isValidPattern('/videos/course-1/*'); // true
 * isValidPattern('/videos/course-1*');  // true (an exact path containing "*")
 * isValidPattern('videos/a.mp4');       // false
 * ```
 */
export function isValidPattern(pattern: string): boolean {
  return typeof pattern === 'string' && isCanonicalString(pattern.endsWith('/*') ? pattern.slice(0, -1) : pattern);
}

/**
 * Normalises a grant (one pattern or an array) to a validated array of 1 to
 * 16 patterns, or `undefined` if any part is invalid.
 *
 * @example
 * ```ts
 * import { parseGrant } from '@urlseal/edge/contract';
 * parseGrant('/videos/a.mp4');   // ['/videos/a.mp4']
 * parseGrant(['/a/*', '/b.mp4']); // ['/a/*', '/b.mp4']
 * parseGrant([]);                // undefined
 * ```
 */
export function parseGrant(grant: unknown): readonly string[] | undefined {
  if (typeof grant === 'string') return isValidPattern(grant) ? [grant] : undefined;
  if (!Array.isArray(grant) || grant.length < 1 || grant.length > MAX_GRANT_PATTERNS) return undefined;
  for (let i = 0; i < grant.length; i++) if (!isValidPattern(grant[i] as string)) return undefined;
  return grant as string[];
}

function matchesPattern(path: string, pattern: string): boolean {
  // Prefix `/dir/*` covers paths starting with `/dir/`: the slash is the segment boundary.
  return pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/**
 * Whether a canonical decoded path is covered by any pattern of a grant:
 * byte-for-byte equality, or a `/*` prefix on a segment boundary.
 *
 * @example
 * ```ts
 * import { matchesGrant } from '@urlseal/edge/contract';
 * matchesGrant('/videos/course-1/hls/seg-1.ts', ['/videos/course-1/*']); // true
 * matchesGrant('/videos/course-10/a.mp4', ['/videos/course-1/*']);      // false
 * matchesGrant('/videos/course-1', ['/videos/course-1/*']);             // false
 * ```
 */
export function matchesGrant(path: string, patterns: readonly string[]): boolean {
  for (let i = 0; i < patterns.length; i++) if (matchesPattern(path, patterns[i] as string)) return true;
  return false;
}
