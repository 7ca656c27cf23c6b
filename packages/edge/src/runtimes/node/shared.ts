// Node helpers shared by the Express and node:http adapters: the request view,
// the client address, answers the edge makes itself, and reading a manifest
// body for the shared rewriter. Translation only: nothing here decides.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import type { RequestView } from '../../core/decide.js';
import { parseIpRange } from '../../contract/ip.js';
import { MAX_MANIFEST_BYTES, bodyEncoding, rewriteManifest, type BodyEncoding, type ManifestRewrite } from '../../core/manifest.js';
import type { EdgeAnswer } from '../../core/respond.js';
import type { MetricsRecorder } from '../../ops/metrics-recorder.js';

/**
 * How many proxies you run in front of the edge (SPEC §7 `--trust-proxy N`):
 * `0`/`false` (default) uses the socket peer; `N` uses the N-th
 * `X-Forwarded-For` entry from the right; `true` means 1.
 */
export function readTrustProxy(value: unknown, caller: string): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return 1;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 32) {
    throw new TypeError(`${caller}: option "trustProxy" must be a whole number of proxies from 0 to 32 (or true for 1)`);
  }
  return value;
}

/**
 * The `countryHeader` option (`--country-header NAME`): the request header that
 * holds the viewer's country, set by a proxy or CDN you trust (like
 * `trustProxy`); absent, `geo` claims have no country and are denied.
 */
export function readCountryHeader(value: unknown, caller: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new TypeError(`${caller}: option "countryHeader" must be a header name (letters, digits and "-"), e.g. "CloudFront-Viewer-Country"`);
  }
  return value.toLowerCase();
}

/** The `metrics` option: absent, or what `createMetrics()` made. */
export function readMetrics(value: unknown, caller: string): MetricsRecorder | undefined {
  if (value === undefined) return undefined;
  const metrics = value as Partial<MetricsRecorder> | null;
  if (typeof metrics !== 'object' || metrics === null || typeof metrics.recordDecision !== 'function' || typeof metrics.watchKeyring !== 'function') {
    throw new TypeError(`${caller}: option "metrics" must be what createMetrics() from @urlseal/edge/metrics returns`);
  }
  return metrics as MetricsRecorder;
}

function isAddress(text: string): boolean {
  return !text.includes('/') && parseIpRange(text) !== undefined;
}

function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * The client address for `ip` claims: the socket peer, or with `trustProxy` N
 * the N-th `X-Forwarded-For` entry counted from the right (the one the nearest
 * trusted proxy appended); `undefined` when that entry is missing or not an address.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string | undefined {
  if (trustProxy === 0) {
    const peer = req.socket.remoteAddress;
    return peer === undefined ? undefined : unmapped(peer);
  }
  const header = req.headers['x-forwarded-for'];
  if (typeof header !== 'string') return undefined;
  const entries = header.split(',');
  const entry = entries[entries.length - trustProxy]?.trim();
  return entry !== undefined && isAddress(entry) ? unmapped(entry) : undefined;
}

/** Every `Authorization` line as received (Node's `req.headers` keeps only the first). */
export function authorizationLines(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === 'authorization') lines.push(raw[i + 1] as string);
  return lines;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  // Joined as a Web runtime joins them, so a Bearer line beside a Basic one is seen (docs/spec.md §9).
  if (name === 'authorization') {
    const lines = authorizationLines(req);
    return lines.length === 0 ? undefined : lines.join(', ');
  }
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The decision's view of a Node request: the raw target, headers by name, the
 * client address and (from the trusted `countryHeader`) the country when asked.
 */
export function nodeView(req: IncomingMessage, target: string, trustProxy: number, countryHeader?: string): RequestView {
  return {
    method: req.method ?? '',
    target,
    header: (name) => headerOf(req, name),
    get clientIp() {
      return clientAddress(req, trustProxy);
    },
    get country() {
      return countryHeader === undefined ? undefined : headerOf(req, countryHeader);
    },
  };
}

/** The scheme a client used: `http`, or behind trusted proxies the last `X-Forwarded-Proto`. */
export function clientScheme(req: IncomingMessage, trustProxy: number): string {
  const proto = trustProxy > 0 ? headerOf(req, 'x-forwarded-proto') : undefined;
  const last = proto?.split(',').pop()?.trim().toLowerCase();
  return last === 'https' || last === 'http' ? last : 'encrypted' in req.socket ? 'https' : 'http';
}

/** The manifest URL as the client asked for it (relative URIs resolve against it). */
export function requestUrl(req: IncomingMessage, target: string, trustProxy: number): string {
  if (!target.startsWith('/')) return target; // absolute-form: the client named scheme and authority
  return `${clientScheme(req, trustProxy)}://${headerOf(req, 'host') ?? ''}${target}`;
}

/** Writes an answer the edge makes itself (a denial or an origin failure). */
export function writeAnswer(res: ServerResponse, answer: EdgeAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Set one by one (not through writeHead) so the access log can read x-urlseal-error back.
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.writeHead(answer.status);
  res.end(answer.body);
}

type Decode = (buffer: InputType, options: ZlibOptions) => Promise<Buffer>;
const DECODERS: Record<Exclude<BodyEncoding, 'identity'>, Decode> = {
  gzip: promisify(gunzip) as Decode,
  deflate: promisify(inflate) as Decode,
  'deflate-raw': promisify(inflateRaw) as Decode,
  br: promisify(brotliDecompress) as Decode,
};

/**
 * A manifest body as received (raw, maybe compressed) rewritten by the shared
 * rewriter: decoded with at most {@link MAX_MANIFEST_BYTES} bytes of output,
 * off the main thread. `undefined` when it cannot be decoded, is too large, or
 * is not a playlist: the original then passes untouched.
 */
export async function rewriteManifestBody(
  body: Buffer,
  contentEncoding: unknown,
  rewrite: ManifestRewrite,
): Promise<string | undefined> {
  const encoding = bodyEncoding(body.subarray(0, 16), typeof contentEncoding === 'string' ? contentEncoding : undefined);
  if (encoding === undefined) return undefined;
  let decoded = body;
  if (encoding !== 'identity') {
    try {
      decoded = await DECODERS[encoding](body, { maxOutputLength: MAX_MANIFEST_BYTES });
    } catch {
      return undefined; // corrupt, or more than the bound once decoded
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(decoded);
  } catch {
    return undefined;
  }
  return rewriteManifest(text, rewrite);
}

/** Collects body chunks up to the manifest bound (bytes actually received). */
export class BodyBuffer {
  readonly chunks: Buffer[] = [];
  size = 0;

  /** Adds a chunk; false once the body is over the bound. */
  add(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    return this.size <= MAX_MANIFEST_BYTES;
  }

  concat(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
