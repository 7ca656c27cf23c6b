// @urlseal/edge/node-server: the verifying edge as a streaming reverse proxy on
// node:http end to end (the engine of `urlseal serve`). It translates a Node
// request into the decision's view, and the decision into a denial or a
// forwarded request; bytes are piped, never converted to Web streams.
import { Agent as HttpAgent, createServer, request as httpRequest, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { decodeComponent, forwardHeader, forwardsAuthorization, isPathSegmentName, redactTokens, type TokenParams } from '../../contract/carriers.js';
import { isThenable, type Decision, type Grant, type ManifestGrant } from '../../core/decide.js';
import { readCors } from '../../core/options.js';
import { preflightAnswer } from '../../core/preflight.js';
import { connectionNames, relayPlan, type RelayPlan } from '../../core/relay.js';
import { denialAnswer, originFailureAnswer } from '../../core/respond.js';
import { createLiveVerifier, type LiveVerifierOptions } from '../../ops/keyring-source.js';
import type { MetricsRecorder, OriginErrorKind } from '../../ops/metrics-recorder.js';
import { BodyBuffer, authorizationLines, clientAddress, nodeView, readCountryHeader, readMetrics, readTrustProxy, requestUrl, rewriteManifestBody, writeAnswer } from './shared.js';

/**
 * Options of {@link createEdgeServer}: the verifier's options plus the proxy's.
 * `keyring` may be a keyring (fixed) or a `KeyringSource` from
 * `@urlseal/edge/keyring-source` (a watched file, a fetched URL).
 *
 * @example
 * ```ts
 * import type { EdgeServerOptions } from '@urlseal/edge/node-server';
 * import { keyringFile } from '@urlseal/edge/keyring-source';
 * const options: EdgeServerOptions = { origin: 'http://127.0.0.1:3000', keyring: keyringFile('keyring.json'), trustProxy: 1, originTimeout: 10_000 };
 * ```
 */
export interface EdgeServerOptions extends LiveVerifierOptions {
  /** Base URL of the origin, e.g. `http://127.0.0.1:3000` (a path prefix is kept). */
  origin: string;
  /** Proxies you run in front of the edge: the client address is the N-th `X-Forwarded-For` entry from the right (default 0: the socket peer; `true` is 1). */
  trustProxy?: boolean | number;
  /** The request header with the viewer's country for `geo` claims, set by a proxy or CDN you trust (`--country-header`); without it a token with a `geo` claim is denied. */
  countryHeader?: string;
  /** Milliseconds the origin may stay silent before a 504 (default 30 000). */
  originTimeout?: number;
  /** One JSON access-log line per request (default: stdout); `false` for none. Never holds a token. */
  log?: ((line: string) => void) | false;
  /** Metrics from `createMetrics()` (`@urlseal/edge/metrics`) to record every decision, request and origin failure into. */
  metrics?: MetricsRecorder;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and what the edge sets itself.
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'x-forwarded-for',
]);

/** One request's forwarding state, for the listener that ends the exchange. */
interface Exchange {
  upstream: ClientRequest | undefined;
}

/** The request headers for the origin, as a flat raw list: carriers removed, Host of the origin, X-Forwarded-For appended. */
function forwardHeaders(req: IncomingMessage, params: TokenParams, host: string, peer: string | undefined): string[] {
  const raw = req.rawHeaders;
  const listed = connectionNames(req.headers.connection);
  const out = ['host', host];
  let forwardedFor = '';
  let authorization: boolean | undefined; // whether the Authorization lines may go on: all of them or none
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'x-forwarded-for') forwardedFor += forwardedFor === '' ? value : `, ${value}`;
    if (NOT_FORWARDED.has(name) || listed?.has(name)) continue;
    if (name === 'authorization') {
      authorization ??= forwardsAuthorization(authorizationLines(req));
      if (authorization) out.push(raw[i] as string, value);
      continue;
    }
    const kept = forwardHeader(name, value, params);
    if (kept !== undefined) out.push(raw[i] as string, kept);
  }
  if (peer !== undefined) out.push('x-forwarded-for', forwardedFor === '' ? peer : `${forwardedFor}, ${peer}`);
  return out;
}

/** The origin's response headers for the client as the relay plan says, as a flat raw list: less `drop` (and what `Connection` lists), plus `add`. */
function relayHeaders(answer: IncomingMessage, plan: RelayPlan): string[] {
  const raw = answer.rawHeaders;
  const listed = connectionNames(answer.headers.connection);
  const drop = plan.drop;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (drop.has(name) || listed?.has(name)) continue;
    out.push(raw[i] as string, raw[i + 1] as string);
  }
  const add = plan.add;
  for (let i = 0; i < add.length; i++) out.push(add[i] as string);
  return out;
}

/** The path for the access log: no query, no scheme or authority, never the path-token segment. */
function logPath(raw: string, params: TokenParams): string {
  const q = raw.indexOf('?');
  let path = q < 0 ? raw : raw.slice(0, q);
  if (!path.startsWith('/')) {
    // absolute-form: the log shows the path only
    const slash = path.indexOf('/', path.indexOf('://') + 3);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  // The path token as the edge reads it, on the decoded path (`/%5Ftoken/<jwt>/…` too): a
  // leading one is left out, any other one (the edge denies such a path) shows as `…`.
  const first = path.indexOf('/', 1);
  if (first > 0 && isPathSegmentName(path.slice(1, first), params.pathSegment)) {
    const slash = path.indexOf('/', first + 1);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  path = redactTokens(path, params);
  return path.length > 1024 ? `${path.slice(0, 1024)}…` : path;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}(?:-|$)/;
const REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;
const JWS_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * The request id for the access log: the trace id of a W3C `traceparent`, else
 * an `X-Request-Id` of at most 128 plain characters that does not look like a
 * token; nothing otherwise (a log line never holds a token).
 */
function requestId(req: IncomingMessage): string | undefined {
  const trace = TRACEPARENT.exec(String(req.headers.traceparent ?? '').trim())?.[1];
  if (trace !== undefined && !/^0+$/.test(trace)) return trace;
  const id = req.headers['x-request-id'];
  return typeof id === 'string' && REQUEST_ID.test(id) && !JWS_SHAPE.test(id) ? id : undefined;
}

// CTA-5004 recommends a UUID for the CMCD session id, and every player we know sends one;
// anything else is left out of the log (it could be a token someone put there).
const CMCD_SID = /(?:^|,)\s*sid="([\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{12})"(?:,|\s*$)/;

/**
 * The CMCD session id of a request, for the access log (docs/spec.md §9 "CMCD"): from
 * the `CMCD` query parameter, else the `CMCD-Session` header; only a UUID.
 */
function cmcdSid(req: IncomingMessage): string | undefined {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q >= 0 && url.indexOf('CMCD', q) >= 0) {
    for (const part of url.slice(q + 1).split('&')) {
      if (!part.startsWith('CMCD=')) continue;
      const value = decodeComponent(part.slice(5));
      const sid = value === undefined ? undefined : CMCD_SID.exec(value)?.[1];
      if (sid !== undefined) return sid.toLowerCase();
    }
  }
  const header = req.headers['cmcd-session'];
  return typeof header === 'string' ? CMCD_SID.exec(header)?.[1]?.toLowerCase() : undefined;
}

/** Lines written to stdout once per event-loop turn, not once per request. */
function stdoutLog(): (line: string) => void {
  let pending: string[] = [];
  return (line) => {
    if (pending.length === 0) setImmediate(() => {
      const lines = pending;
      pending = [];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
    pending.push(line);
  };
}

/**
 * A node:http server that verifies every request (SPEC §6–7) and streams
 * granted ones to `origin` and back: token carriers removed, the request-target
 * forwarded byte for byte as received (minus carriers), keep-alive connections
 * to the origin, hop-by-hop headers dropped, 502 when the origin refuses or
 * answers what cannot be relayed, 504 when it stays silent; no origin answer
 * stops the server. HLS manifests answering a query-token request are rewritten
 * (SPEC §7). Throws on an unusable keyring or option.
 *
 * @example
 * ```ts
 * import { createEdgeServer } from '@urlseal/edge/node-server';
 * const server = createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring: process.env.URLSEAL_KEYRING! });
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createEdgeServer(options: EdgeServerOptions): Server {
  const { origin, trustProxy, countryHeader, originTimeout = 30_000, log, metrics, ...verifierOptions } = options;
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    throw new TypeError('createEdgeServer: option "origin" must be an http: or https: URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('createEdgeServer: option "origin" must be an http: or https: URL');
  if (typeof originTimeout !== 'number' || !(originTimeout > 0) || !Number.isFinite(originTimeout)) {
    throw new TypeError('createEdgeServer: option "originTimeout" must be a positive number of milliseconds');
  }
  if (log !== undefined && log !== false && typeof log !== 'function') throw new TypeError('createEdgeServer: option "log" must be a function or false');
  const trust = readTrustProxy(trustProxy, 'createEdgeServer');
  const country = readCountryHeader(countryHeader, 'createEdgeServer');
  const recorder = readMetrics(metrics, 'createEdgeServer');
  const live = createLiveVerifier(verifierOptions);
  const params = live.params;
  const cors = readCors(verifierOptions.cors); // already validated by createLiveVerifier
  const prefix = base.pathname.replace(/\/+$/, '');
  const https = base.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const agent = https ? new HttpsAgent({ keepAlive: true, scheduling: 'lifo' }) : new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const write = log === false ? undefined : (log ?? stdoutLog());

  /** When the exchange ends: one access-log line (`code` is the edge's own answer, `detail` why it denied) and the request's duration. */
  function finished(req: IncomingMessage, res: ServerResponse, decision: Decision | undefined, start: number): void {
    if (write === undefined && recorder === undefined) return;
    const ms = performance.now() - start;
    // A preflight (no decision) is logged, not counted as a decision.
    if (decision !== undefined) recorder?.recordRequest(decision, ms / 1000);
    if (write === undefined) return;
    const code = res.getHeader('x-urlseal-error');
    const id = requestId(req);
    const sid = cmcdSid(req);
    const detail = decision === undefined || decision.ok ? undefined : decision.detail;
    // Built as text, not through an object: one line per request is on the hot path. The
    // codes are constants; everything that came from the request is JSON-escaped.
    write(
      `{"method":${JSON.stringify(req.method)},"path":${JSON.stringify(logPath(req.url ?? '', params))},` +
        `"status":${res.statusCode},"code":${typeof code === 'string' ? JSON.stringify(code) : 'null'}` +
        `${detail === undefined ? '' : `,"detail":${JSON.stringify(detail)}`}` +
        `${id === undefined ? '' : `,"requestId":${JSON.stringify(id)}`}${sid === undefined ? '' : `,"cmcdSid":"${sid}"`},"ms":${Math.round(ms)}}`,
    );
  }

  /** An origin failure: counted, and answered 502/504 unless the answer had begun (then the client sees a cut). */
  function fail(res: ServerResponse, kind: OriginErrorKind): void {
    recorder?.recordOriginError(kind);
    writeAnswer(res, originFailureAnswer(kind === 'timeout' ? 504 : 502));
  }

  /** Relays a manifest, rewritten when it can be (SPEC §7), else the origin's bytes untouched. */
  function relayManifest(req: IncomingMessage, res: ServerResponse, manifest: ManifestGrant, answer: IncomingMessage, plan: RelayPlan): void {
    const body = new BodyBuffer();
    const untouched = (): void => {
      res.writeHead(200, answer.statusMessage, relayHeaders(answer, plan.untouched));
      for (const chunk of body.chunks) res.write(chunk);
    };
    const onData = (chunk: Buffer): void => {
      if (body.add(chunk)) return;
      answer.off('data', onData).off('end', onEnd); // over the bound: pass through untouched, streamed
      untouched();
      answer.pipe(res);
    };
    const onEnd = (): void => {
      const rewrite = { url: requestUrl(req, req.url ?? '', trust), grant: manifest.grant, token: manifest.token, params };
      rewriteManifestBody(body.concat(), answer.headers['content-encoding'], rewrite).then(
        (text) => {
          if (res.destroyed) return;
          if (text === undefined) return void (untouched(), res.end());
          const headers = relayHeaders(answer, plan);
          headers.push('content-length', String(Buffer.byteLength(text)));
          res.writeHead(200, answer.statusMessage, headers);
          res.end(text);
        },
        () => fail(res, 'unrelayable'),
      );
    };
    answer.on('data', onData).once('end', onEnd);
  }

  function relay(req: IncomingMessage, res: ServerResponse, grant: Grant, answer: IncomingMessage): void {
    const status = answer.statusCode ?? 0;
    const plan = relayPlan(grant, req.method ?? '', status, answer.headers['content-type']);
    if (!plan.relay) {
      answer.destroy();
      return fail(res, 'unrelayable'); // a status the edge cannot relay: never crash on it
    }
    answer.once('close', () => {
      if (answer.complete) return;
      // Cut mid-body: the client sees a cut, not a short file. A client that left first is no origin error.
      if (!res.destroyed) recorder?.recordOriginError('cut');
      res.destroy();
    });
    if (plan.rewrite && grant.manifest !== undefined) return relayManifest(req, res, grant.manifest, answer, plan);
    res.writeHead(status, answer.statusMessage, relayHeaders(answer, plan));
    if (!plan.body) {
      answer.resume();
      res.end();
      return;
    }
    answer.pipe(res);
  }

  function forward(req: IncomingMessage, res: ServerResponse, grant: Grant, exchange: Exchange, retried = false): void {
    const upstream = send({
      agent,
      host: base.hostname,
      port: base.port,
      method: req.method,
      path: prefix + grant.target,
      headers: forwardHeaders(req, params, base.host, clientAddress(req, 0)),
      setHost: false,
    });
    let answered = false;
    upstream.setTimeout(originTimeout, () => {
      if (!answered) return void (upstream.destroy(), fail(res, 'timeout'));
      recorder?.recordOriginError('timeout'); // silent mid-body
      upstream.destroy();
      res.destroy();
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (answered || res.destroyed) return void res.destroy();
      // A kept-alive socket the origin closed meanwhile: a GET or HEAD may be sent once more.
      if (!retried && upstream.reusedSocket && error.code === 'ECONNRESET') return forward(req, res, grant, exchange, true);
      fail(res, 'unavailable');
    });
    upstream.once('response', (answer) => {
      answered = true;
      try {
        relay(req, res, grant, answer);
      } catch {
        answer.destroy(); // e.g. a header Node refuses to write: the edge keeps serving
        fail(res, 'unrelayable');
      }
    });
    exchange.upstream = upstream;
    upstream.end();
  }

  function answer(req: IncomingMessage, res: ServerResponse, decision: Decision, start: number, decided: number): void {
    recorder?.recordDecision(decision, (decided - start) / 1000, live.nowSeconds());
    const exchange: Exchange = { upstream: undefined };
    // One listener for the end of the exchange: stop pulling from the origin if the client
    // left, then log and count.
    res.once('close', () => {
      if (exchange.upstream !== undefined && !res.writableFinished) exchange.upstream.destroy();
      finished(req, res, decision, start);
    });
    try {
      if (decision.ok) return forward(req, res, decision, exchange);
      writeAnswer(res, denialAnswer(decision.code, decision.status, decision.allowOrigin));
    } catch {
      fail(res, 'unavailable'); // an adapter fault after the decision: nothing reached the origin unverified
    }
  }

  const server = createServer((req, res) => {
    const start = performance.now();
    const view = nodeView(req, req.url ?? '', trust, country);
    // A CORS preflight the cors option allows is answered here, without a token (issue 15).
    const preflight = preflightAnswer(cors, view);
    if (preflight !== undefined) {
      res.once('close', () => finished(req, res, undefined, start));
      return writeAnswer(res, preflight);
    }
    // Never throws or rejects: no keyring, or any fault while deciding, is a denial.
    const decision = live.decide(view);
    if (!isThenable(decision)) return answer(req, res, decision, start, performance.now());
    void decision.then((settled) => answer(req, res, settled, start, performance.now()));
  });
  const unwatch = recorder?.watchKeyring(live.source);
  server.once('close', () => {
    agent.destroy();
    unwatch?.();
  });
  return server;
}

/**
 * Stops accepting connections, lets in-flight requests finish (at most `graceMs`,
 * then cuts what is left) and resolves once the server is closed.
 *
 * @example
 * ```ts
 * import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
 * const server = createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring: process.env.URLSEAL_KEYRING! }).listen(8080);
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
