// HLS manifest rewriting (SPEC §7): a player resolves every URI in an .m3u8
// against the manifest URL but drops its query, so a query-token request
// would lose the token on the next fetch. Every URI inside the grant gets the
// same token back; anything else (other origins, paths outside the grant) is
// left byte for byte.
import { matchesGrant, tryCanonicalPath } from './path.js';

/**
 * What a rewrite needs: where the manifest was fetched from, the grant and the token.
 *
 * @example
 * ```ts
 * const rewrite: ManifestRewrite = {
 *   baseUrl: request.url, grant: ['/v/c1/*'], param: 'token', token, carriers: ['token', 'st', 'e'],
 * };
 * ```
 */
export interface ManifestRewrite {
  /** The URL the client requested the manifest at (relative URIs resolve against it). */
  readonly baseUrl: string;
  readonly grant: readonly string[];
  /** The query parameter name that carries the token (default `token`). */
  readonly param: string;
  readonly token: string;
  /** Query names that already carry a token; a URI holding one is left alone. */
  readonly carriers: readonly string[];
}

// `URI="…"` as an attribute (after the tag's `:` or a `,`), so names such as
// KEYFORMATURI are not touched. Compiled once, at module load.
const URI_ATTRIBUTE = /([:,])URI="([^"\r\n]*)"/g;

/**
 * Whether a response is an HLS manifest: the path ends in `.m3u8` or the
 * content type is an mpegurl type.
 *
 * @example
 * ```ts
 * import { isManifest } from '@urlseal/edge';
 * isManifest('/v/master.m3u8', null); // true
 * isManifest('/v/index', 'application/vnd.apple.mpegurl'); // true
 * ```
 */
export function isManifest(path: string, contentType: string | null): boolean {
  if (path.toLowerCase().endsWith('.m3u8')) return true;
  return contentType !== null && contentType.toLowerCase().includes('mpegurl');
}

function hasCarrier(query: string, carriers: readonly string[]): boolean {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (carriers.includes(eq < 0 ? part : part.slice(0, eq))) return true;
  }
  return false;
}

/** Adds the token to one URI if it resolves inside the grant on the same origin. */
function rewriteUri(uri: string, rewrite: ManifestRewrite, base: URL): string {
  if (uri === '') return uri;
  let resolved: URL;
  try {
    resolved = new URL(uri, base);
  } catch {
    return uri;
  }
  if (resolved.origin !== base.origin) return uri;
  const path = tryCanonicalPath(resolved.pathname);
  if (path === undefined || !matchesGrant(path, rewrite.grant)) return uri;
  if (hasCarrier(resolved.search.slice(1), rewrite.carriers)) return uri;
  const hash = uri.indexOf('#');
  const head = hash < 0 ? uri : uri.slice(0, hash);
  const tail = hash < 0 ? '' : uri.slice(hash);
  const separator = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return `${head}${separator}${rewrite.param}=${rewrite.token}${tail}`;
}

function rewriteLine(line: string, rewrite: ManifestRewrite, base: URL): string {
  const cr = line.endsWith('\r') ? '\r' : '';
  const body = cr ? line.slice(0, -1) : line;
  const trimmed = body.trim();
  if (trimmed === '') return line;
  if (trimmed.startsWith('#')) {
    // Tags with URI attributes: EXT-X-MEDIA, -KEY, -MAP, -I-FRAME-STREAM-INF,
    // -SESSION-KEY, -PART, -PRELOAD-HINT, -RENDITION-REPORT, -SESSION-DATA.
    if (!trimmed.startsWith('#EXT-X-') || !trimmed.includes('URI="')) return line;
    return body.replace(URI_ATTRIBUTE, (_m, lead: string, uri: string) => `${lead}URI="${rewriteUri(uri, rewrite, base)}"`) + cr;
  }
  // A URI line: a variant after #EXT-X-STREAM-INF, or a media segment.
  return rewriteUri(trimmed, rewrite, base) + cr;
}

/**
 * Rewrites an HLS manifest so every URI inside the grant carries
 * `<param>=<token>`: URI lines (variants and segments) and `URI="…"`
 * attributes. URIs on other origins or outside the grant are untouched.
 *
 * @example
 * ```ts
 * import { rewriteManifest } from '@urlseal/edge';
 * rewriteManifest('#EXTM3U\nseg-1.ts\n', {
 *   baseUrl: 'https://cdn.example/v/c1/index.m3u8?token=T', grant: ['/v/c1/*'],
 *   param: 'token', token: 'T', carriers: ['token', 'st', 'e'],
 * }); // '#EXTM3U\nseg-1.ts?token=T\n'
 * ```
 */
export function rewriteManifest(text: string, rewrite: ManifestRewrite): string {
  const base = new URL(rewrite.baseUrl);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = rewriteLine(lines[i] as string, rewrite, base);
  return lines.join('\n');
}
