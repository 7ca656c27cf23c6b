// @urlseal/edge/express: verify urlseal tokens in front of express.static or any handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createVerifier, type VerifierOptions } from '../node.js';
import { requestView, sendDenial } from './node-shared.js';

/**
 * Options of {@link urlseal}: the verifier's options plus `trustProxy`.
 *
 * @example
 * ```ts
 * const options: UrlsealExpressOptions = { keyring: process.env.URLSEAL_KEYRING!, trustProxy: true };
 * ```
 */
export interface UrlsealExpressOptions extends VerifierOptions {
  /** Take the client address from the first `X-Forwarded-For` hop (only behind a proxy you run). */
  trustProxy?: boolean;
}

/**
 * What a granted request carries on `req.urlseal`.
 *
 * @example
 * ```ts
 * app.get('/videos/*', urlseal({ keyring }), (req, res) => res.send(`hello ${req.urlseal?.claims.sub}`));
 * ```
 */
export interface UrlsealGrant {
  scheme: 'jwt' | 'secure-token';
  claims: Record<string, unknown>;
}

type Req = IncomingMessage & { originalUrl?: string; baseUrl?: string; query?: unknown; urlseal?: UrlsealGrant };
type Next = (err?: unknown) => void;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `@urlseal/edge/express` on a granted request. */
      urlseal?: UrlsealGrant;
    }
  }
}

/**
 * Express 4/5 middleware: denies with the SPEC §7 answer, or strips every token
 * carrier (URL, `Authorization: Bearer`, `urlseal` cookie), sets `req.urlseal`
 * and calls `next()`, so `express.static` serves the real file (Range and HEAD included).
 * The keyring is validated here: a bad keyring throws at start-up.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { urlseal } from '@urlseal/edge/express';
 * const app = express();
 * app.use('/videos', urlseal({ keyring: process.env.URLSEAL_KEYRING! }), express.static('media/videos'));
 * ```
 */
export function urlseal(options: UrlsealExpressOptions): (req: Req, res: ServerResponse, next: Next) => Promise<void> {
  const { trustProxy = false, ...verifierOptions } = options;
  const verifier = createVerifier(verifierOptions);
  const names = [options.params?.token ?? 'token', options.params?.st ?? 'st', options.params?.e ?? 'e'];
  return async (req, res, next) => {
    try {
      const raw = req.originalUrl ?? req.url ?? '/';
      const result = await verifier.check(requestView(req, raw, trustProxy));
      if (!result.ok) return await sendDenial(res, result.code, result.status);
      const base = req.baseUrl ?? '';
      if (base && !result.target.startsWith(`${base}/`) && result.target !== base) {
        return await sendDenial(res, 'ERR_PATH_MISMATCH'); // the token segment sat before the mount path
      }
      req.url = result.target.slice(base.length) || '/';
      req.originalUrl = result.target; // loggers downstream never see the token
      if (req.query && typeof req.query === 'object' && Object.hasOwn(req, 'query')) {
        for (const name of names) delete (req.query as Record<string, unknown>)[name]; // Express 4's parsed copy
      }
      if (result.deleteAuthorization) delete req.headers.authorization;
      if (result.cookie === null) delete req.headers.cookie;
      else if (result.cookie !== undefined) req.headers.cookie = result.cookie;
      req.urlseal = { scheme: result.scheme, claims: result.claims };
      res.setHeader('Referrer-Policy', 'no-referrer');
      next();
    } catch {
      await sendDenial(res, 'ERR_KEYRING_UNAVAILABLE').catch(() => res.destroy());
    }
  };
}
