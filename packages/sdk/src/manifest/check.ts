import { matchesGrant, readTokenParams, tryCanonicalPath } from '@urlseal/edge/contract';
import { checkGrant } from '../claims.js';
import { dashReferences } from './dash.js';
import { hlsReferences } from './hls.js';
import type { ManifestReference } from './reference.js';

/**
 * The manifest formats `checkManifest` reads.
 *
 * @example
 * ```ts
 * import type { ManifestKind } from '@urlseal/sdk';
 * const kind: ManifestKind = 'dash';
 * ```
 */
export type ManifestKind = 'hls' | 'dash';

/**
 * Options of {@link checkManifest}.
 *
 * @example
 * ```ts
 * import type { CheckManifestOptions } from '@urlseal/sdk';
 * const options: CheckManifestOptions = { path: '/videos/c1/hls/master.m3u8', grant: '/videos/c1/hls/*' };
 * ```
 */
export interface CheckManifestOptions {
  /** The path the manifest is served at, without the token (`/videos/c1/hls/master.m3u8`). */
  path: string;
  /** The pattern(s) the token grants, as given to the signer. */
  grant: string | readonly string[];
  /** Default: `hls` for text starting `#EXTM3U`, `dash` for an `<MPD>` document. */
  kind?: ManifestKind;
  /** Path segment before the JWT, as configured on signer and edge. Default `'_token'`. */
  pathSegment?: string;
}

/**
 * One reference that would break: where it is written, as written, and why.
 *
 * @example
 * ```ts
 * import type { ManifestFinding } from '@urlseal/sdk';
 * const finding: ManifestFinding = { where: 'line 7', uri: '/videos/c1/seg1.ts', problem: 'root-relative URI: resolving it drops the /_token/<jwt> segment' };
 * ```
 */
export interface ManifestFinding {
  readonly where: string;
  readonly uri: string;
  readonly problem: string;
}

/**
 * What {@link checkManifest} found.
 *
 * @example
 * ```ts
 * import { checkManifest, type ManifestCheck } from '@urlseal/sdk';
 * const result: ManifestCheck = checkManifest('#EXTM3U\nseg1.ts\n', { path: '/v/a/index.m3u8', grant: '/v/a/*' });
 * result.findings.length; // 0
 * ```
 */
export interface ManifestCheck {
  readonly kind: ManifestKind;
  /** References that resolve inside the grant and inherit the path token. */
  readonly ok: number;
  readonly findings: readonly ManifestFinding[];
  /** HLS: decoded paths of the playlists it names that passed, to check in turn. */
  readonly playlists: readonly string[];
}

/** Stands for the JWT while resolving: any segment without `/` behaves the same. */
const TOKEN = 'TOKEN';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 3986 §5.2.4: removes `.` and `..` segments from a merged path. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && output.length > 1) output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  });
  return output.join('/');
}

type Resolution =
  | { readonly kind: 'absolute' }
  | { readonly kind: 'root' }
  | { readonly kind: 'elsewhere' }
  | { readonly kind: 'path'; readonly path: string };

/**
 * Resolves a reference against a base path by RFC 3986 §5.2 (not a lenient
 * parser): `absolute` (a scheme://authority or //authority), `root` (starts
 * with `/`), `elsewhere` (data:, skd: and other schemes no request goes to the
 * edge for), or the merged path without query or fragment.
 */
function resolve(base: string, reference: string): Resolution {
  if (SCHEME.test(reference)) return /^https?:/i.test(reference) ? { kind: 'absolute' } : { kind: 'elsewhere' };
  if (reference.startsWith('//')) return { kind: 'absolute' };
  const path = reference.replace(/[?#][\s\S]*$/, '');
  if (path === '') return { kind: 'path', path: base };
  if (path.startsWith('/')) return { kind: 'root' };
  return { kind: 'path', path: removeDotSegments(base.slice(0, base.lastIndexOf('/') + 1) + path) };
}

function detect(text: string): ManifestKind {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('#EXTM3U')) return 'hls';
  if (/<(?:[\w.-]+:)?MPD[\s>]/.test(text)) return 'dash';
  throw new TypeError('the manifest is neither an HLS playlist (#EXTM3U) nor a DASH MPD (<MPD>); pass kind to say which');
}

/**
 * Checks that every URL an HLS playlist or DASH MPD makes a player request
 * inherits a token carried in the manifest's path (`/_token/<jwt>/…`) and stays
 * inside the grant. Flags absolute and root-relative URIs (they drop the token
 * segment), `..` that climbs above it, an absolute DASH `BaseURL`, paths the
 * edge denies as non-canonical, and anything outside the grant. Pure: reads no
 * file and fetches nothing (the `urlseal check-manifest` CLI does).
 *
 * @example
 * ```ts
 * import { checkManifest } from '@urlseal/sdk';
 * const { findings } = checkManifest('#EXTM3U\n#EXTINF:4,\n/videos/c1/seg0.ts\n', { path: '/videos/c1/index.m3u8', grant: '/videos/c1/*' });
 * findings[0]?.problem; // 'root-relative URI: resolving it drops the /_token/<jwt> segment'
 * ```
 */
export function checkManifest(text: string, options: CheckManifestOptions): ManifestCheck {
  if (typeof text !== 'string') throw new TypeError('checkManifest needs the manifest text');
  const patterns = checkGrant(options.grant, 'checkManifest');
  // The carrier-name rule of createSigner and the verifier, so every segment they take is checked here too.
  const segment = readTokenParams({ pathSegment: options.pathSegment }, 'checkManifest').pathSegment;
  const manifestPath = tryCanonicalPath(options.path);
  if (manifestPath === undefined) throw new TypeError('path must be the canonical path the manifest is served at, e.g. /videos/c1/master.m3u8');
  const kind = options.kind ?? detect(text);
  if (kind !== 'hls' && kind !== 'dash') throw new TypeError('kind must be "hls" or "dash"');

  const prefix = `/${segment}/${TOKEN}`;
  const findings: ManifestFinding[] = [];
  const playlists: string[] = [];
  let ok = 0;
  const flag = (reference: ManifestReference, problem: string) => findings.push({ where: reference.where, uri: reference.uri, problem });
  if (!matchesGrant(manifestPath, patterns)) {
    findings.push({ where: 'the manifest', uri: options.path, problem: `${manifestPath} is itself outside the grant ${patterns.join(' ')}` });
  }

  /** The tokenized base a reference resolves against, through its BaseURLs; undefined once one of them broke (reported there). */
  const baseOf = (reference: ManifestReference): string | undefined => {
    let base = prefix + options.path;
    for (const url of reference.via ?? []) {
      const step = resolve(base, url);
      if (step.kind !== 'path' || !step.path.startsWith(`${prefix}/`)) return undefined;
      base = step.path;
    }
    return base;
  };

  const references = kind === 'hls' ? hlsReferences(text) : dashReferences(text);
  for (const reference of references) {
    const what = reference.base ? 'BaseURL' : 'URI';
    // Spelled so only a lenient reader (hls.js) requests it: a finding, and still checked below.
    if (reference.problem !== undefined) flag(reference, reference.problem);
    if (/[\s"<>\\\x00-\x1f\x7f]/.test(reference.uri)) {
      flag(reference, `the ${what} holds whitespace, a quote, <, >, a backslash or a control character`);
      continue;
    }
    const base = baseOf(reference);
    if (base === undefined) continue;
    const step = resolve(base, reference.uri);
    if (step.kind === 'elsewhere') continue;
    if (step.kind === 'absolute') {
      flag(reference, reference.base ? 'absolute BaseURL: every URL below it is requested without the path token' : 'absolute URI: the player requests it as written, without the path token');
      continue;
    }
    if (step.kind === 'root') {
      flag(reference, `root-relative ${what}: resolving it drops the /${segment}/<jwt> segment`);
      continue;
    }
    if (!step.path.startsWith(`${prefix}/`)) {
      flag(reference, `".." climbs above the /${segment}/<jwt> segment: the request carries no token`);
      continue;
    }
    const decoded = tryCanonicalPath(step.path.slice(prefix.length));
    if (decoded === undefined) {
      flag(reference, `resolves to a non-canonical path (empty, "." or ".." segment, bad or forbidden %-escape): the edge denies it`);
      continue;
    }
    // A BaseURL is a directory: what lies below it is checked against the grant, one URL at a time.
    if (!reference.base && !matchesGrant(decoded, patterns)) {
      flag(reference, `resolves to ${decoded}, outside the grant ${patterns.join(' ')}`);
      continue;
    }
    if (reference.problem === undefined) ok++;
    if (reference.playlist) playlists.push(decoded);
  }
  return { kind, ok, findings, playlists };
}
