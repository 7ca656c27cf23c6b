// A Web `Request` as the decision's view, and the request forwarded to the
// origin. Both read only what they need: building a `Request`, `Headers` or
// `URL` nobody reads costs more than the whole HMAC check.
import { forwardHeader, type TokenParams } from '../contract/carriers.js';
import type { Grant, RequestView } from '../core/decide.js';

/**
 * Per-call inputs a Web `Request` cannot tell.
 *
 * @example
 * ```ts
 * import type { VerifyOptions } from '@urlseal/edge';
 * declare const request: Request;
 * const opts: VerifyOptions = { clientIp: request.headers.get('cf-connecting-ip') ?? undefined, origin: 'https://origin.example.com' };
 * ```
 */
export interface VerifyOptions {
  /** The client address for `ip` claims (the socket peer, or what a proxy you run says it is). */
  clientIp?: string | undefined;
  /** The viewer's country (ISO 3166-1 alpha-2) for `geo` claims, from the runtime's own source or a header you trust. */
  country?: string | undefined;
  /**
   * The raw request-target as received (e.g. Node's `req.url`), when the
   * runtime's `request.url` was normalised by a WHATWG URL parser. Without a
   * `?`, the query of `request.url` is added.
   */
  rawPath?: string | undefined;
  /** Base URL of the origin the forwarded request is aimed at (default: the request's own scheme and host). */
  origin?: string | undefined;
}

/** Index where the path of an absolute URL string starts (after `scheme://authority`). */
function pathIndex(url: string): number {
  let i = url.indexOf('//') + 2;
  for (; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 0x2f || code === 0x3f || code === 0x23) return i;
  }
  return i;
}

/** The request-target of `request.url`, plus the raw one when an adapter has it. */
function targetOf(url: string, rawPath: string | undefined): string {
  const start = pathIndex(url);
  if (rawPath === undefined) {
    const rest = url.slice(start);
    return rest.charCodeAt(0) === 0x2f ? rest : `/${rest}`;
  }
  if (rawPath.includes('?')) return rawPath;
  const q = url.indexOf('?', start);
  return q < 0 ? rawPath : rawPath + url.slice(q);
}

/** The decision's view of a Web `Request`; headers are read only if the decision asks. */
export function requestView(request: Request, opts: VerifyOptions | undefined): RequestView {
  return {
    method: request.method,
    target: targetOf(request.url, opts?.rawPath),
    header: (name) => request.headers.get(name) ?? undefined,
    clientIp: opts?.clientIp,
    country: opts?.country,
  };
}

// Encodings a Web runtime can decode (DecompressionStream), for answers that may be rewritten.
const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'identity']);

function decodableEncodings(value: string): string | undefined {
  const kept = value.split(',').filter((part) => DECODABLE.has((part.split(';')[0] ?? '').trim().toLowerCase()));
  return kept.length > 0 ? kept.join(',') : undefined;
}

/**
 * The request for the origin: the grant's target (every query carrier removed)
 * on the request's own origin or `opts.origin`, each header through
 * `forwardHeader` (no Bearer, no token cookie). `redirect: 'manual'`: a
 * reverse proxy hands redirects to the client instead of following them.
 */
export function forwardRequest(request: Request, grant: Grant, params: TokenParams, opts: VerifyOptions | undefined): Request {
  const url = request.url;
  const base = opts?.origin === undefined ? url.slice(0, pathIndex(url)) : opts.origin.replace(/\/+$/, '');
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (name === 'host' && opts?.origin !== undefined) return;
    // A manifest may be rewritten: ask only for encodings this runtime can decode.
    const kept = name === 'accept-encoding' && grant.manifest !== undefined ? decodableEncodings(value) : forwardHeader(name, value, params);
    if (kept !== undefined) headers.append(name, kept);
  });
  return new Request(base + grant.target, { method: request.method, headers, redirect: 'manual', signal: request.signal });
}
