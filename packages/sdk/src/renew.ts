import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignOptions } from './claims.js';
import type { SignedUrl } from './results.js';
import type { Signer } from './signer.js';
import type { WebSigner } from './web-signer.js';

/**
 * What a renewal signs once the app has re-checked the viewer: the same URL
 * and grant the page was first given, with fresh times.
 *
 * @example
 * ```ts
 * import type { RenewalGrant } from '@urlseal/sdk';
 * const grant: RenewalGrant = { url: 'https://cdn.example/videos/c1/master.m3u8', options: { grant: '/videos/c1/*', sub: 'u42' } };
 * ```
 */
export interface RenewalGrant {
  /** The URL to sign (absolute, or a path), as for `signUrl`. */
  url: string;
  /**
   * `signUrl` options: grant, sub, ttl, transport… Use the ones the first link used.
   * Not `expires` or `nbf`: a renewal is a link for now, timed by `ttl` (bounded by the
   * signer's `maxTtl`); either one makes the renewal fail (500 or `next(error)`).
   */
  options?: SignOptions;
}

/**
 * Options of {@link createRenewalHandler}.
 *
 * @example
 * ```ts
 * import { createSigner, type RenewalHandlerOptions } from '@urlseal/sdk';
 * import type { IncomingMessage } from 'node:http';
 * const options: RenewalHandlerOptions<IncomingMessage> = {
 *   signer: createSigner({ keyring: process.env.URLSEAL_KEYRING! }),
 *   authorize: () => undefined, // refuses everyone
 * };
 * ```
 */
export interface RenewalHandlerOptions<Req extends IncomingMessage = IncomingMessage> {
  /** The origin's signer: `createSigner` of `@urlseal/sdk` or of `@urlseal/sdk/web`. */
  signer: Signer | WebSigner;
  /**
   * Runs on every renewal: re-checks that the viewer (from your session) may
   * still watch, and returns what to sign. Return `undefined`, `null` or
   * `false` to refuse: the answer is 403 and `@urlseal/player` stops asking.
   * Never derive the grant from the request body or an old token: decide it
   * from your own data, as for the first link.
   */
  authorize: (req: Req) => RenewalGrant | undefined | null | false | Promise<RenewalGrant | undefined | null | false>;
}

/**
 * What a renewal endpoint answers (JSON): the signed URL, its JWT (absent for
 * the legacy secure-token scheme) and the expiry in Unix seconds.
 *
 * @example
 * ```ts
 * import type { RenewalAnswer } from '@urlseal/sdk';
 * const answer: RenewalAnswer = { url: 'https://cdn.example/_token/eyJ…/videos/c1/master.m3u8', token: 'eyJ…', expires: 1893456000 };
 * ```
 */
export interface RenewalAnswer {
  url: string;
  token?: string;
  expires: number;
}

/**
 * A handler for Express (4 or 5), Connect or plain `node:http`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createRenewalHandler, createSigner, type RenewalHandler } from '@urlseal/sdk';
 * const signer = createSigner({ keyring: process.env.URLSEAL_KEYRING! });
 * const renew: RenewalHandler = createRenewalHandler({ signer, authorize: () => ({ url: '/videos/c1/master.m3u8', options: { grant: '/videos/c1/*' } }) });
 * createServer((req, res) => void renew(req, res)).listen(3000);
 * ```
 */
export type RenewalHandler<Req extends IncomingMessage = IncomingMessage> = (req: Req, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    // A token must never sit in a cache, shared or not.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

/** The answer for one signed URL: the URL, its JWT (none for secure-token) and its expiry. */
export function renewalAnswer(signed: SignedUrl): RenewalAnswer {
  return signed.scheme === 'jwt' ? { url: signed.url, token: signed.token, expires: signed.expires } : { url: signed.url, expires: signed.expires };
}

/**
 * Makes the endpoint a page calls to renew a link before it expires (what
 * `renewFrom` in `@urlseal/player` POSTs to). On every call it runs your
 * `authorize` (the viewer may have lost access since the page was made), then
 * signs the grant it returns with fresh times and answers
 * `{ url, token, expires }`, `Cache-Control: no-store`. Refused: 403
 * `{"error":"forbidden"}`; not a POST: 405; a failure in `authorize` or
 * signing (a rejected promise of the web signer too), or a grant holding
 * `expires`/`nbf`, goes to `next(error)` when there is one, else 500
 * `{"error":"internal"}` (never a token, claim or stack trace). The returned
 * promise never rejects.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createRenewalHandler, createSigner } from '@urlseal/sdk';
 * const app = express();
 * const signer = createSigner({ keyring: process.env.URLSEAL_KEYRING!, ttl: '5m' });
 * app.post('/lessons/:id/link', createRenewalHandler({
 *   signer,
 *   authorize: (req: express.Request) => {
 *     const lesson = findLesson(req.params.id);
 *     if (!lesson || !mayWatch(req, lesson)) return undefined; // 403
 *     return { url: `https://cdn.example${lesson.path}`, options: { grant: lesson.grant, sub: userId(req) } };
 *   },
 * }));
 * declare function findLesson(id: unknown): { path: string; grant: string } | undefined;
 * declare function mayWatch(req: express.Request, lesson: unknown): boolean;
 * declare function userId(req: express.Request): string;
 * ```
 */
export function createRenewalHandler<Req extends IncomingMessage = IncomingMessage>(options: RenewalHandlerOptions<Req>): RenewalHandler<Req> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createRenewalHandler needs { signer, authorize }');
  const { signer, authorize } = options;
  if (typeof signer?.sign !== 'function') throw new TypeError('signer must be a signer from createSigner');
  if (typeof authorize !== 'function') throw new TypeError('authorize must be a function that re-checks the viewer and returns { url, options } or undefined');

  return async (req, res, next) => {
    try {
      if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed' }, { Allow: 'POST' });
      let answer: RenewalAnswer;
      try {
        const grant = await authorize(req);
        if (!grant) return send(res, 403, { error: 'forbidden' });
        answer = renewalAnswer(checkSigned(await signer.sign(grant.url, renewalOptions(grant))));
      } catch (error) {
        if (next) return next(error);
        return send(res, 500, { error: 'internal' });
      }
      send(res, 200, answer);
    } catch {
      // The answer could not be written (the client left, headers already sent, next threw):
      // nothing more to do, and the handler's promise must never reject (an unhandled
      // rejection would exit the app).
      if (!res.headersSent && !res.writableEnded) res.destroy();
    }
  };
}

const FN = 'createRenewalHandler';

/** The options of a grant from `authorize`, refusing the times a renewal decides itself. */
function renewalOptions(grant: RenewalGrant): SignOptions | undefined {
  if (typeof grant !== 'object') throw new TypeError(`${FN}: authorize must return { url, options } or undefined`);
  const options = grant.options;
  if (options === undefined || options === null || typeof options !== 'object') return options;
  for (const name of ['expires', 'nbf'] as const) {
    if (options[name] !== undefined) {
      throw new TypeError(`${FN}: authorize returned option "${name}"; a renewal is a link valid now: give "ttl" instead (bounded by the signer's maxTtl)`);
    }
  }
  return options;
}

/** A signer's answer, checked: a signer that resolves to something else is a failure, never `200 {}`. */
function checkSigned(signed: SignedUrl): SignedUrl {
  if (typeof signed !== 'object' || signed === null || typeof signed.url !== 'string' || !Number.isSafeInteger(signed.expires)) {
    throw new TypeError(`${FN}: signer.sign returned no signed URL; pass a signer from createSigner`);
  }
  return signed;
}
