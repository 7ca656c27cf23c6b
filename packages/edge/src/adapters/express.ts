// @urlseal/edge/express: verify urlseal tokens in front of express.static or any handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createVerifier, extractToken, type VerifierOptions } from '../node.js';
import { readTokenParams } from '../token.js';
import { requestView, rewriteManifestOnEnd, sendDenial } from './node-shared.js';

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
  const params = readTokenParams(options.params);
  const names = [params.token, params.st, params.e];
  return async (req, res, next) => {
    try {
      const raw = req.originalUrl ?? req.url ?? '/';
      const view = requestView(req, raw, trustProxy);
      const result = await verifier.check(view);
      if (!result.ok) return await sendDenial(res, result.code, result.status);
      const base = req.baseUrl ?? '';
      const path = result.target.split('?')[0] ?? '';
      if (base && path !== base && !path.startsWith(`${base}/`)) {
        return await sendDenial(res, 'ERR_PATH_MISMATCH'); // the token segment sat before the mount path
      }
      const rest = result.target.slice(base.length);
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      req.originalUrl = result.target; // loggers downstream never see the token
      if (req.query && typeof req.query === 'object' && Object.hasOwn(req, 'query')) {
        for (const name of names) delete (req.query as Record<string, unknown>)[name]; // Express 4's parsed copy
      }
      if (result.deleteAuthorization) delete req.headers.authorization;
      if (result.cookie === null) delete req.headers.cookie;
      else if (result.cookie !== undefined) req.headers.cookie = result.cookie;
      req.urlseal = { scheme: result.scheme, claims: result.claims };
      res.setHeader('Referrer-Policy', 'no-referrer');
      const source = extractToken(raw, view.header, params).source;
      if (req.method === 'GET' && typeof source === 'object' && source.scheme === 'jwt' && source.carrier === 'query' && /\.m3u8$/i.test(path)) {
        const grant = ([] as unknown[]).concat(result.claims.path).filter((p): p is string => typeof p === 'string');
        rewriteManifestOnEnd(res, { baseUrl: `http://${req.headers.host ?? 'edge.invalid'}${raw}`, grant, param: params.token, token: source.token, carriers: names });
      }
      next();
    } catch {
      await sendDenial(res, 'ERR_KEYRING_UNAVAILABLE').catch(() => res.destroy());
    }
  };
}
