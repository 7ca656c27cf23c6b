// @urlseal/edge/express: verify urlseal tokens in front of express.static or any
// handler. Translates the Express request into the decision's view and the
// decision into a denial or a carrier-free request for the next handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardHeader, forwardsAuthorization, type TokenParams } from '../../contract/carriers.js';
import { isThenable, type Decision, type Denial, type Grant, type RequestView, type Scheme } from '../../core/decide.js';
import type { Claims } from '../../contract/jwt.js';
import { denialAnswer } from '../../core/respond.js';
import { createLiveVerifier, type LiveVerifierOptions } from '../../ops/keyring-source.js';
import type { MetricsRecorder } from '../../ops/metrics-recorder.js';
import { preflightAnswer } from '../../core/preflight.js';
import { readCors } from '../../core/options.js';
import { relayPlan, type RelayGrant, type RelayPlan } from '../../core/relay.js';
import { BodyBuffer, authorizationLines, nodeView, readCountryHeader, readMetrics, readTrustProxy, requestUrl, rewriteManifestBody, writeAnswer } from './shared.js';

/**
 * What a granted request carries on `req.urlseal`.
 *
 * @example
 * ```ts
 * import type { UrlsealGrant } from '@urlseal/edge/express';
 * const grant: UrlsealGrant = { scheme: 'jwt', claims: { exp: 1_900_000_000, sub: 'student-42' } };
 * grant.claims.sub; // string | undefined
 * ```
 */
export interface UrlsealGrant {
  readonly scheme: Scheme;
  readonly claims: Claims;
}

type Req = IncomingMessage & { originalUrl?: string; baseUrl?: string; query?: unknown; urlseal?: UrlsealGrant };
type Next = (err?: unknown) => void;

/**
 * Options of {@link urlseal}: the verifier's options plus `trustProxy`,
 * `onDenied` and `metrics`. `keyring` may be a keyring (fixed) or a
 * `KeyringSource` from `@urlseal/edge/keyring-source` (a watched file, a fetched URL).
 *
 * @example
 * ```ts
 * import type { Response } from 'express';
 * import type { UrlsealExpressOptions } from '@urlseal/edge/express';
 * const options: UrlsealExpressOptions = {
 *   keyring: process.env.URLSEAL_KEYRING!,
 *   trustProxy: 1,
 *   onDenied: (denial, _req, res: Response) => void res.status(denial.status).send(`<h1>Link not valid (${denial.code})</h1>`),
 * };
 * ```
 */
export interface UrlsealExpressOptions extends LiveVerifierOptions {
  /** Proxies you run in front of the app: the client address is the N-th `X-Forwarded-For` entry from the right (default 0: the socket peer; `true` is 1). */
  trustProxy?: boolean | number;
  /** The request header with the viewer's country for `geo` claims, set by a proxy or CDN you trust (e.g. `CloudFront-Viewer-Country`); without it a token with a `geo` claim is denied. */
  countryHeader?: string;
  /**
   * Answers a denial yourself (an HTML page, `next(err)`, a redirect). The
   * denial's `Cache-Control: no-store`, `x-urlseal-error` and (on 401)
   * `WWW-Authenticate` headers are already set; status and body are yours.
   * Without it the middleware answers SPEC §7's JSON denial.
   */
  // A method signature, so an Express app may annotate `res: express.Response`.
  onDenied?(denial: Denial, req: Req, res: ServerResponse, next: Next): void;
  /** Metrics from `createMetrics()` (`@urlseal/edge/metrics`); mount its `handler` on a route of your own. */
  metrics?: MetricsRecorder;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `@urlseal/edge/express` on a granted request. */
      urlseal?: UrlsealGrant;
    }
  }
}

/** Removes the carriers from the headers downstream handlers and loggers read. */
function stripHeaders(req: Req, params: TokenParams): void {
  // The Authorization lines go on all or none: none once any of them holds a Bearer credential.
  const authorization = forwardsAuthorization(authorizationLines(req));
  if (!authorization) delete req.headers.authorization;
  const cookie = req.headers.cookie;
  if (cookie !== undefined) {
    const kept = forwardHeader('cookie', cookie, params);
    if (kept === undefined) delete req.headers.cookie;
    else req.headers.cookie = kept;
  }
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = name === 'authorization' ? (authorization ? (raw[i + 1] as string) : undefined) : forwardHeader(name, raw[i + 1] as string, params);
    if (value !== undefined) kept.push(raw[i] as string, value);
  }
  req.rawHeaders.splice(0, raw.length, ...kept);
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding);
  return Buffer.from(chunk as Uint8Array);
}

const PRIOR_WRITE_HEAD = Symbol('urlseal.writeHead');
/** `_hasBody`: Node's own switch for answers without a body (HEAD, 204, 304), set in `writeHead`. */
type Relayed = ServerResponse & { [PRIOR_WRITE_HEAD]?: ServerResponse['writeHead']; _hasBody?: boolean };
const NO_MANIFEST: RelayGrant = { path: '', manifest: undefined };

/** Headers given to `writeHead`, set on `res` one by one, as Node does once any are set (so the plan sees them all). */
function foldHeaders(res: ServerResponse, fields: unknown): void {
  if (Array.isArray(fields)) for (let i = 0; i < fields.length; i += 2) res.setHeader(fields[i] as string, fields[i + 1] as string);
  else if (typeof fields === 'object' && fields !== null) for (const name of Object.keys(fields)) res.setHeader(name, (fields as Record<string, string>)[name] as string);
}

/** The plan's headers on a response the app writes itself: its end-to-end `remove` gone, `add` set. */
function applyPlan(res: ServerResponse, plan: RelayPlan): void {
  for (const name of plan.remove) res.removeHeader(name);
  const add = plan.add;
  for (let i = 0; i < add.length; i += 2) res.setHeader(add[i] as string, add[i + 1] as string);
}

/**
 * `writeHead` of a granted response: the relay plan applied to the head the next
 * handler writes (the origin, in process). Node writes the framing (hop-by-hop
 * headers are its own) and checks the status itself (100–999): a status the edge
 * would not relay from a remote origin is the app's own answer (docs/spec.md §9).
 */
function relayedWriteHead(this: Relayed, status: number, reason?: unknown, fields?: unknown): ServerResponse {
  const prior = this[PRIOR_WRITE_HEAD] as (this: ServerResponse, status: number, reason?: string) => ServerResponse;
  foldHeaders(this, typeof reason === 'string' ? fields : reason);
  const plan = relayPlan(NO_MANIFEST, this.req?.method ?? '', status, undefined);
  if (plan.relay) {
    applyPlan(this, plan);
    if (!plan.body) this._hasBody = false; // 205: no content, as Node does itself for HEAD, 204 and 304
  }
  return typeof reason === 'string' ? prior.call(this, status, reason) : prior.call(this, status);
}

/**
 * Holds back what the next handler writes and, when the relay plan says so (a
 * 200 HLS manifest: the same rule as every adapter), sends it through the shared
 * rewriter (SPEC §7); anything else, or a manifest over the bound, passes as written.
 */
function rewriteManifestResponse(req: Req, res: ServerResponse, grant: Grant, params: TokenParams, trust: number): void {
  const manifest = grant.manifest!;
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  const restore = (): void => void Object.assign(res, original);
  const body = new BodyBuffer();
  let plan: RelayPlan | undefined;
  const holds = (): boolean => {
    plan ??= res.headersSent ? undefined : relayPlan(grant, req.method ?? '', res.statusCode, String(res.getHeader('content-type') ?? ''));
    const holding = plan?.rewrite === true;
    if (!holding) restore();
    return holding;
  };
  const release = (): void => {
    restore();
    for (const chunk of body.chunks) res.write(chunk);
  };
  res.writeHead = function writeHead(this: ServerResponse, status: number, reason?: unknown, fields?: unknown) {
    // Keep the head as headers set on `res` so the rewrite can still change them.
    res.statusCode = status;
    foldHeaders(res, typeof reason === 'string' ? fields : reason);
    return res;
  } as typeof res.writeHead;
  res.write = function write(chunk: unknown, encoding?: unknown, cb?: unknown) {
    if (!holds()) return res.write(chunk as string, encoding as BufferEncoding, cb as () => void);
    const buffer = toBuffer(chunk, encoding);
    if (buffer !== undefined && !body.add(buffer)) {
      release(); // over the bound: what was held goes out untouched, the rest streams
      return true;
    }
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  } as typeof res.write;
  res.end = function end(chunk?: unknown, encoding?: unknown, cb?: unknown) {
    if (!holds()) return res.end(chunk as string, encoding as BufferEncoding, cb as () => void);
    const buffer = toBuffer(chunk, encoding);
    if (buffer !== undefined) body.add(buffer);
    const done = [chunk, encoding, cb].find((arg) => typeof arg === 'function') as (() => void) | undefined;
    const rewrite = { url: requestUrl(req, req.originalUrl ?? req.url ?? '/', trust), grant: manifest.grant, token: manifest.token, params };
    void rewriteManifestBody(body.concat(), res.getHeader('content-encoding'), rewrite).then(
      (text) => {
        restore();
        if (text === undefined) return void res.end(body.concat(), done);
        applyPlan(res, plan as RelayPlan); // the body now holds a bearer token, with a new length and no coding
        res.setHeader('content-length', Buffer.byteLength(text));
        res.end(text, done);
      },
      () => {
        restore();
        res.destroy();
      },
    );
    return res;
  } as typeof res.end;
}

/**
 * Express 4/5 middleware: denies with the SPEC §7 answer (or your `onDenied`),
 * or removes every token carrier (the URL's path token and `token`/`st`/`e`,
 * `Authorization: Bearer`, the token cookie), sets `req.urlseal` and calls
 * `next()`, so `express.static` serves the real file (Range and HEAD
 * included). Options are validated here: a bad keyring throws at start-up.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { urlseal } from '@urlseal/edge/express';
 * const app = express();
 * app.use('/videos', urlseal({ keyring: process.env.URLSEAL_KEYRING! }), express.static('media/videos'));
 * ```
 */
export function urlseal(options: UrlsealExpressOptions): (req: Req, res: ServerResponse, next: Next) => void {
  const { trustProxy, countryHeader, onDenied, metrics, ...verifierOptions } = options;
  const trust = readTrustProxy(trustProxy, 'urlseal');
  const country = readCountryHeader(countryHeader, 'urlseal');
  if (onDenied !== undefined && typeof onDenied !== 'function') throw new TypeError('urlseal: option "onDenied" must be a function');
  const recorder = readMetrics(metrics, 'urlseal');
  const live = createLiveVerifier(verifierOptions);
  const params = live.params;
  const cors = readCors(verifierOptions.cors); // already validated by createLiveVerifier
  recorder?.watchKeyring(live.source);

  function deny(req: Req, res: ServerResponse, next: Next, denial: Denial): void {
    if (onDenied === undefined) return writeAnswer(res, denialAnswer(denial.code, denial.status, denial.allowOrigin));
    const { headers } = denialAnswer(denial.code, denial.status, denial.allowOrigin);
    for (const [name, value] of Object.entries(headers)) if (name !== 'content-type') res.setHeader(name, value);
    try {
      onDenied(denial, req, res, next);
    } catch {
      writeAnswer(res, denialAnswer(denial.code, denial.status, denial.allowOrigin)); // a throwing onDenied still denies, never a 500
    }
  }

  function grant(req: Req, res: ServerResponse, next: Next, granted: Grant, view: RequestView): void {
    const base = req.baseUrl ?? '';
    const path = granted.target.split('?')[0] ?? '';
    if (base !== '' && path !== base && !path.startsWith(`${base}/`)) {
      // The path token stood before the mount path: the forwarded path cannot be expressed below it.
      return deny(req, res, next, live.deny('ERR_PATH_MISMATCH', 'mount path', view));
    }
    const rest = granted.target.slice(base.length);
    req.url = rest.startsWith('/') ? rest : `/${rest}`;
    req.originalUrl = granted.target; // loggers downstream never see the token
    if (req.query !== null && typeof req.query === 'object' && Object.hasOwn(req, 'query')) {
      for (const name of [params.token, params.st, params.e]) delete (req.query as Record<string, unknown>)[name]; // Express 4's parsed copy
    }
    stripHeaders(req, params);
    req.urlseal = { scheme: granted.scheme, claims: granted.claims };
    const relayed = res as Relayed;
    if (relayed[PRIOR_WRITE_HEAD] === undefined) {
      // Once per response, though a request may pass two guards (an app's and a route's).
      relayed[PRIOR_WRITE_HEAD] = res.writeHead;
      relayed.writeHead = relayedWriteHead as typeof res.writeHead;
    }
    if (granted.manifest !== undefined) rewriteManifestResponse(req, res, granted, params, trust);
    next();
  }

  return function urlsealMiddleware(req, res, next) {
    const start = performance.now();
    const apply = (decision: Decision): void => {
      if (recorder !== undefined) {
        recorder.recordDecision(decision, (performance.now() - start) / 1000, live.nowSeconds());
        res.once('close', () => recorder.recordRequest(decision, (performance.now() - start) / 1000));
      }
      if (!decision.ok) return deny(req, res, next, decision);
      try {
        grant(req, res, next, decision, view);
      } catch {
        // Fail closed: the handler never runs unverified. Still a denial like any other (statuses, onDenied).
        if (!res.headersSent) deny(req, res, next, live.deny('ERR_KEYRING_UNAVAILABLE', 'adapter', view));
        else res.destroy();
      }
    };
    const view = nodeView(req, req.originalUrl ?? req.url ?? '/', trust, country);
    // A CORS preflight the cors option allows is answered here, without a token (issue 15).
    const preflight = preflightAnswer(cors, view);
    if (preflight !== undefined) return writeAnswer(res, preflight);
    // Never throws or rejects: no keyring, or any fault while deciding, is a denial.
    const decision = live.decide(view);
    if (isThenable(decision)) void decision.then(apply);
    else apply(decision);
  };
}
