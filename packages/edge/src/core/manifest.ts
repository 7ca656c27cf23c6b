// HLS manifest rewriting (SPEC §7), the one module every adapter uses. A
// player resolves each URI in an .m3u8 against the manifest URL but drops its
// query, so a query-token request would lose the token on the next fetch: each
// URI inside the grant, on the request's own scheme and authority, gets the
// same token back. Every other byte stays as it was. Work is linear, done in
// slices that let other requests run, and bounded in what is read and written.
import { decodeComponent, type TokenParams } from '../contract/carriers.js';
import { matchesGrant, tryCanonicalPath } from '../contract/path.js';
import { parseUriReference, resolveReference, type UriParts } from '../lib/uri.js';

/** Largest manifest rewritten, in bytes read after transfer and content decoding; a bigger one passes untouched. */
export const MAX_MANIFEST_BYTES = 8 << 20;
/** Largest rewritten manifest (tokens make it grow); beyond it the original passes untouched. */
export const MAX_REWRITTEN_BYTES = 4 * MAX_MANIFEST_BYTES;
/** Work between two yields to the event loop: at most this many characters or lines (clocks may stand still in a Worker). */
const SLICE_CHARS = 64 << 10;
const SLICE_LINES = 1024;

const MANIFEST_TYPES = new Set(['application/vnd.apple.mpegurl', 'audio/mpegurl']);

/**
 * Whether an answer is an HLS manifest (SPEC §7, the same rule in every
 * adapter): the path ends in `.m3u8` in any case, or the media type is
 * `application/vnd.apple.mpegurl` or `audio/mpegurl`.
 */
export function isManifest(path: string, contentType: string | null | undefined): boolean {
  if (path.toLowerCase().endsWith('.m3u8')) return true;
  if (typeof contentType !== 'string') return false;
  return MANIFEST_TYPES.has((contentType.split(';')[0] ?? '').trim().toLowerCase());
}

/** What a rewrite needs: the URL the client asked for, the grant, the token and the carrier names. */
export interface ManifestRewrite {
  /** The manifest URL as the client requested it (`scheme://authority/path?query`). */
  readonly url: string;
  readonly grant: readonly string[];
  readonly token: string;
  readonly params: TokenParams;
}

/** How to read an answer's body (SPEC §7: "a compressed manifest reaches the client decodable"). */
export type BodyEncoding = 'identity' | 'gzip' | 'deflate' | 'deflate-raw' | 'br';

const BOM_EXTM3U = '\uFEFF#EXTM3U';

function startsWithText(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * How the body starting with `head` is encoded, from the magic bytes first
 * (a runtime may already have decoded a body whose header still says gzip),
 * then `Content-Encoding`; `undefined` when it cannot be decoded here.
 */
export function bodyEncoding(head: Uint8Array, contentEncoding: string | null | undefined): BodyEncoding | undefined {
  if (startsWithText(head, '#EXTM3U') || (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)) return 'identity';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return 'identity';
  if (coding === 'deflate') {
    const zlibHeader = head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
    return zlibHeader ? 'deflate' : 'deflate-raw';
  }
  if (coding === 'br') return 'br';
  return undefined;
}

/** Lets the event loop run: one large manifest never stalls other requests. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A rewrite prepared once per manifest. */
interface Context {
  readonly base: UriParts;
  readonly scheme: string;
  readonly authority: string;
  readonly grant: readonly string[];
  readonly suffix: string;
  readonly params: TokenParams;
}

/** Whether a URI's query already names a carrier, read as the edge reads query names (scanQuery). */
function hasCarrier(query: string | undefined, params: TokenParams): boolean {
  if (query === undefined) return false;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    // Undecodable: treat it as a carrier and leave the URI alone.
    if (name === undefined || name === params.token || name === params.st || name === params.e) return true;
  }
  return false;
}

/** The URI with the token added, or the URI unchanged when it must not get one. */
function rewriteUri(uri: string, ctx: Context): string {
  const ref = parseUriReference(uri);
  if (ref === undefined) return uri;
  const target = resolveReference(ctx.base, ref);
  if (target.scheme?.toLowerCase() !== ctx.scheme || target.authority?.toLowerCase() !== ctx.authority) return uri;
  const path = tryCanonicalPath(target.path);
  if (path === undefined || !matchesGrant(path, ctx.grant)) return uri;
  if (hasCarrier(target.query, ctx.params)) return uri;
  const hash = uri.indexOf('#');
  const head = hash < 0 ? uri : uri.slice(0, hash);
  const tail = hash < 0 ? '' : uri.slice(hash);
  const separator = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return head + separator + ctx.suffix + tail;
}

// Tags whose attribute lists hold a URI attribute (RFC 8216 and its successor).
const URI_TAGS = new Set([
  '#EXT-X-KEY', '#EXT-X-SESSION-KEY', '#EXT-X-MAP', '#EXT-X-MEDIA', '#EXT-X-I-FRAME-STREAM-INF',
  '#EXT-X-SESSION-DATA', '#EXT-X-PART', '#EXT-X-PRELOAD-HINT', '#EXT-X-RENDITION-REPORT',
]);

function isAttributeNameChar(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}

/**
 * Rewrites the `URI` attribute of one tag line, parsing the attribute list as
 * RFC 8216 §4.2 says (a quoted string may hold `,` and `=`). A list that does
 * not parse, or names `URI` twice, is left as it is.
 */
function rewriteTag(line: string, colon: number, ctx: Context): string {
  let out = '';
  let copied = 0;
  let seenUri = false;
  let i = colon + 1;
  while (i < line.length) {
    const nameStart = i;
    while (i < line.length && isAttributeNameChar(line.charCodeAt(i))) i++;
    if (i === nameStart || line.charCodeAt(i) !== 0x3d) return line;
    const name = line.slice(nameStart, i);
    i++;
    if (line.charCodeAt(i) === 0x22) {
      const close = line.indexOf('"', i + 1);
      if (close < 0) return line;
      if (name === 'URI') {
        if (seenUri) return line;
        seenUri = true;
        out += line.slice(copied, i + 1) + rewriteUri(line.slice(i + 1, close), ctx);
        copied = close;
      }
      i = close + 1;
    } else {
      if (name === 'URI') return line; // a URI must be a quoted string
      while (i < line.length && line.charCodeAt(i) !== 0x2c) {
        if (line.charCodeAt(i) === 0x22) return line;
        i++;
      }
    }
    if (i === line.length) break;
    if (line.charCodeAt(i) !== 0x2c || i === line.length - 1) return line;
    i++;
  }
  return out + line.slice(copied);
}

function rewriteLine(line: string, ctx: Context): string {
  if (line === '') return line;
  if (line.charCodeAt(0) !== 0x23) return rewriteUri(line, ctx); // a URI line: variant or segment
  const colon = line.indexOf(':');
  return colon > 0 && URI_TAGS.has(line.slice(0, colon)) ? rewriteTag(line, colon, ctx) : line;
}

/**
 * Rewrites a decoded HLS manifest so every URI inside the grant carries
 * `<params.token>=<token>`: URI lines and quoted `URI` attributes. A line ends
 * at LF, CRLF or a lone CR, and each end is kept as it was. Resolves to
 * `undefined` when the text is not a playlist (no leading `#EXTM3U`) or the
 * result would exceed {@link MAX_REWRITTEN_BYTES}: the original then passes untouched.
 */
export async function rewriteManifest(text: string, rewrite: ManifestRewrite): Promise<string | undefined> {
  if (!text.startsWith('#EXTM3U') && !text.startsWith(BOM_EXTM3U)) return undefined;
  const base = parseUriReference(rewrite.url);
  if (base?.scheme === undefined || base.authority === undefined) return undefined;
  const { params } = rewrite;
  const ctx: Context = {
    base,
    scheme: base.scheme.toLowerCase(),
    authority: base.authority.toLowerCase(),
    grant: rewrite.grant,
    suffix: `${params.token}=${rewrite.token}`,
    params,
  };
  const parts: string[] = [];
  let size = 0;
  let sliceEnd = SLICE_CHARS;
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
    let next = end;
    if (text.charCodeAt(next) === 0x0d) next++;
    if (text.charCodeAt(next) === 0x0a && (next === end || text.charCodeAt(end) === 0x0d)) next++;
    const line = rewriteLine(text.slice(start, end), ctx);
    parts.push(line, text.slice(end, next));
    size += line.length + (next - end);
    if (size > MAX_REWRITTEN_BYTES) return undefined;
    start = next;
    if (start >= sliceEnd || ++lines === SLICE_LINES) {
      sliceEnd = start + SLICE_CHARS;
      lines = 0;
      await nextTurn();
    }
  }
  return parts.join('');
}
