// Canonical paths and grant patterns (SPEC §2). On the JavaScript floor
// (scripts/floor.js): CloudFront Functions and njs run this module as it is.
import { isWellFormed, utf8Length } from './lib/utf8.js';

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
const DOT = 0x2e;
const PERCENT = 0x25;
const SEMICOLON = 0x3b;
const BACKSLASH = 0x5c;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Printable ASCII that may stand unencoded in a raw path (the rest must be %XX). */
function isRawAllowed(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== SEMICOLON && code !== BACKSLASH;
}

/**
 * The segment rules of SPEC §2 on an already-decoded path: leading `/`, no
 * empty segment but a single trailing `/`, no `.`/`..`, no `;`, `\`, `%` or
 * control character.
 */
function hasCanonicalShape(path: string): boolean {
  const length = path.length;
  if (length === 0 || path.charCodeAt(0) !== SLASH) return false;
  let segmentStart = 1;
  for (let i = 1; i <= length; i++) {
    const code = i < length ? path.charCodeAt(i) : SLASH;
    if (code === SLASH) {
      const segmentLength = i - segmentStart;
      if (segmentLength === 0 && i < length) return false;
      if (segmentLength === 1 && path.charCodeAt(segmentStart) === DOT) return false;
      if (segmentLength === 2 && path.charCodeAt(segmentStart) === DOT && path.charCodeAt(segmentStart + 1) === DOT) {
        return false;
      }
      segmentStart = i + 1;
    } else if (code < 0x20 || code === 0x7f || code === SEMICOLON || code === BACKSLASH || code === PERCENT) {
      return false;
    }
  }
  return true;
}

/**
 * Percent-decodes once into UTF-8 text of at most `maxBytes` bytes; `undefined`
 * if not allowed. The escapes are checked here; decodeURIComponent then decodes
 * them and refuses invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF)
 * exactly as a fatal TextDecoder does, on every runtime, TextDecoder or not.
 */
function percentDecode(raw: string, maxBytes: number): string | undefined {
  let escapes = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code !== PERCENT) {
      if (!isRawAllowed(code)) return undefined;
      continue;
    }
    const hi = hexValue(raw.charCodeAt(i + 1));
    const lo = hexValue(raw.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return undefined;
    const byte = (hi << 4) | lo;
    // A decoded `/`, `\` or `%` is never trusted: it would change meaning on a second decode.
    if (byte === SLASH || byte === BACKSLASH || byte === PERCENT) return undefined;
    escapes++;
    i += 2;
  }
  // Every escape is one byte and every other character one ASCII byte.
  if (raw.length - 2 * escapes > maxBytes) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
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
  if (typeof rawPath !== 'string' || rawPath.length > limit * 3) return undefined;
  let plain = true;
  for (let i = 0; i < rawPath.length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === PERCENT) {
      plain = false;
      break;
    }
    if (!isRawAllowed(code)) return undefined;
  }
  if (plain && rawPath.length > limit) return undefined;
  const decoded = plain ? rawPath : percentDecode(rawPath, limit);
  return decoded !== undefined && hasCanonicalShape(decoded) ? decoded : undefined;
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
  return (
    typeof path === 'string' &&
    path.length <= MAX_PATH_LENGTH &&
    isWellFormed(path) &&
    utf8Length(path) <= MAX_PATH_LENGTH &&
    hasCanonicalShape(path)
  );
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
  if (typeof pattern !== 'string') return false;
  return pattern.endsWith('/*')
    ? isCanonicalDecodedPath(pattern.slice(0, -1))
    : isCanonicalDecodedPath(pattern);
}

// Patterns already found valid: a verifier sees the same few grants on every
// request. Bounded: emptied when full, so hostile claims cannot grow it. A
// prototype-less object rather than a Set, which the JavaScript floor lacks.
let validPatterns: Record<string, true> = Object.create(null);
let rememberedPatterns = 0;
const MAX_REMEMBERED_PATTERNS = 256;

function isKnownPattern(pattern: string): boolean {
  if (typeof pattern !== 'string') return false;
  if (validPatterns[pattern] === true) return true;
  if (!isValidPattern(pattern)) return false;
  if (rememberedPatterns >= MAX_REMEMBERED_PATTERNS) {
    validPatterns = Object.create(null);
    rememberedPatterns = 0;
  }
  validPatterns[pattern] = true;
  rememberedPatterns++;
  return true;
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
  if (typeof grant === 'string') return isKnownPattern(grant) ? [grant] : undefined;
  if (!Array.isArray(grant) || grant.length < 1 || grant.length > MAX_GRANT_PATTERNS) return undefined;
  for (let i = 0; i < grant.length; i++) if (!isKnownPattern(grant[i] as string)) return undefined;
  return grant as string[];
}

function matchesPattern(path: string, pattern: string): boolean {
  const last = pattern.length - 1;
  if (pattern.charCodeAt(last) !== 0x2a || pattern.charCodeAt(last - 1) !== SLASH) return path === pattern;
  // Prefix `/dir/*` covers paths starting with `/dir/`: the slash is the segment boundary.
  if (path.length < last) return false;
  for (let i = 0; i < last; i++) if (path.charCodeAt(i) !== pattern.charCodeAt(i)) return false;
  return true;
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
