// @urlseal/edge/node-server: the verifying edge as a streaming reverse proxy (node:http),
// the engine of `urlseal serve`. The edge behaviour (denials, GET/HEAD, HLS rewrite,
// Referrer-Policy) is the core's `handle`; this file only moves bytes between Node and it.
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createVerifier, originFailure, type VerifierOptions } from '../node.js';
import { readTokenParams } from '../token.js';
import { extractToken, type TokenParams } from '../token.js';
import { clientIp } from './node-shared.js';

/**
 * Options of {@link createEdgeServer}: the verifier's options plus the proxy's.
 *
 * @example
 * ```ts
 * const options: EdgeServerOptions = { origin: 'http://127.0.0.1:3000', keyring, trustProxy: true, originTimeout: 10_000 };
 * ```
 */
export interface EdgeServerOptions extends VerifierOptions {
  /** Base URL of the origin, e.g. `http://127.0.0.1:3000` (a path prefix is kept). */
  origin: string;
  /** Client address from the first `X-Forwarded-For` hop (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Milliseconds the origin may stay silent before a 504 (default 30 000). */
  originTimeout?: number;
  /** One JSON access-log line per request (default: stdout); `false` for none. Never holds a token. */
  log?: ((line: string) => void) | false;
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'];

function hopByHop(connection: string | null | undefined): string[] {
  return [...HOP_BY_HOP, ...String(connection ?? '').split(',').map((h) => h.trim().toLowerCase())];
}

/** The origin's answer as a Web Response whose body streams from the socket. */
function toResponse(answer: IncomingMessage, head: boolean): Response {
  const headers = new Headers();
  const drop = hopByHop(answer.headers.connection as string | undefined);
  for (const [name, value] of Object.entries(answer.headers as IncomingHttpHeaders)) {
    if (value === undefined || drop.includes(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = answer.statusCode ?? 502;
  const empty = head || status === 204 || status === 304;
  if (empty) answer.resume();
  return new Response(empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>), { status, headers });
}

/** Writes a Web Response to Node, streaming the body with backpressure. */
function writeResponse(res: ServerResponse, response: Response): void {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (response.body === null) return void res.end();
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.once('error', () => res.destroy()); // mid-body failure: the client sees a cut, not a short file
  body.pipe(res);
}

/** The URL the client asked for (HLS rewriting resolves manifest URIs against it); checks use the raw target. */
function requestUrl(host: string | undefined, raw: string): string {
  try {
    return new URL(raw, `http://${host ?? 'edge.invalid'}`).href;
  } catch {
    return 'http://edge.invalid/';
  }
}

/** The path for the access log: no query, never the `/_token/<jwt>` segment. */
function logPath(raw: string, params: TokenParams): string {
  const path = raw.split('?')[0] ?? '/';
  const segment = `/${params.pathSegment}/`;
  if (!path.startsWith(segment)) return path;
  const slash = path.indexOf('/', segment.length);
  return slash < 0 ? '/' : path.slice(slash);
}

/**
 * A node:http server that verifies every request (SPEC §6–7) and streams granted ones
 * to `origin` and back without buffering: token carriers removed, the request-target
 * forwarded byte for byte as received (minus carriers), Host set to the origin,
 * hop-by-hop headers dropped; `502`/`504` when the origin refuses or stays silent.
 * Throws on an unusable keyring.
 *
 * @example
 * ```ts
 * import { createEdgeServer } from '@urlseal/edge/node-server';
 * const server = createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring: process.env.URLSEAL_KEYRING! });
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createEdgeServer(options: EdgeServerOptions): Server {
  const { origin, trustProxy = false, originTimeout = 30_000, log, ...verifierOptions } = options;
  const verifier = createVerifier(verifierOptions);
  const base = new URL(origin);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('createEdgeServer: origin must be an http: or https: URL');
  const prefix = base.pathname.replace(/\/+$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const params = readTokenParams(options.params);
  const write = log === false ? undefined : (log ?? ((line: string) => void process.stdout.write(`${line}\n`)));

  return createServer((req, res) => {
    const start = performance.now();
    const raw = req.url ?? '/';
    let code: string | null = null;
    res.once('close', () => {
      const ms = Math.round(performance.now() - start);
      write?.(JSON.stringify({ method: req.method, path: logPath(raw, params), status: res.statusCode, code, ms }));
    });
    const view = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(name === 'cookie' ? '; ' : ', ') : v;
    };
    // Forward exactly the target the core checked: the raw one minus carriers (no WHATWG re-encoding).
    const fetchOrigin = (forward: Request): Promise<Response> =>
      new Promise((resolve) => {
        const headers: Record<string, string> = {};
        const drop = [...hopByHop(req.headers.connection), 'content-length'];
        forward.headers.forEach((value, name) => {
          if (!drop.includes(name)) headers[name] = value;
        });
        headers.host = base.host;
        const peer = clientIp(req, false);
        if (peer) headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], peer].filter(Boolean).join(', ');
        const path = prefix + extractToken(raw, view, params).target;
        // A manifest may be rewritten (HLS): ask for it uncompressed, as Node does not decode bodies.
        if (/\.m3u8$/i.test(path.split('?')[0] ?? '')) delete headers['accept-encoding'];
        const upstream = send({ host: base.hostname, port: base.port, method: forward.method, path, headers, timeout: originTimeout });
        upstream.once('timeout', () => {
          upstream.destroy();
          resolve(originFailure(504));
        });
        upstream.once('error', () => resolve(originFailure(502)));
        upstream.once('response', (answer) => {
          resolve(toResponse(answer, forward.method === 'HEAD'));
        });
        res.once('close', () => upstream.destroy()); // the client left: stop pulling from the origin
        upstream.end();
      });
    const answer = async (): Promise<Response> => {
      try {
        const request = new Request(requestUrl(req.headers.host, raw), {
          method: req.method === 'GET' || req.method === 'HEAD' ? req.method : 'POST', // others are denied 405 first
          headers: Object.keys(req.headers).map((name) => [name, view(name) ?? ''] as [string, string]),
        });
        return await verifier.handle(request, fetchOrigin, { clientIp: clientIp(req, trustProxy), rawPath: raw });
      } catch {
        return originFailure(502); // fail closed: nothing reached the origin unverified
      }
    };
    void answer().then((response) => {
      code = response.headers.get('x-urlseal-error');
      try {
        writeResponse(res, response);
      } catch {
        res.destroy();
      }
    });
    req.resume(); // GET/HEAD only: a body is never forwarded
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish (at most `graceMs`,
 * then cuts what is left) and resolves once the server is closed.
 *
 * @example
 * ```ts
 * process.once('SIGTERM', () => void stopGracefully(server).then(() => process.exit(0)));
 * ```
 */
export function stopGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
