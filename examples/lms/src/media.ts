import { createServer, type RequestListener, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';

export const MEDIA_DIR = fileURLToPath(new URL('../media', import.meta.url));

/** What the media origin saw of one request; tests use it to prove no token ever arrives. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface MediaOriginOptions {
  /** Directory to serve; defaults to examples/lms/media. */
  root?: string;
  /**
   * Browser origin allowed to read responses cross-origin (the LMS app). hls.js
   * fetches playlists and segments with XHR from the app's page, so those
   * responses need `Access-Control-Allow-Origin`; the edge passes origin headers
   * through unchanged, so the origin (which owns the content) declares it.
   */
  allowOrigin?: string;
  /** Called for every request, before anything else. */
  onRequest?: (seen: SeenRequest) => void;
  /** Where to report a request that carried a token (default: console.error). */
  logError?: (line: string) => void;
  /** Access log: method, path (never a query) and status. */
  log?: (line: string) => void;
}

const TOKEN_PARAMS = ['token', 'st', 'e'];

/**
 * Names of the token carriers present in a request (SPEC §6), never their
 * values: this list goes into a log line.
 */
export function tokenCarriers(url: string, headers: SeenRequest['headers']): string[] {
  const found: string[] = [];
  const parsed = new URL(url, 'http://origin.invalid');
  if (parsed.pathname.includes('/_token/')) found.push('path /_token/');
  for (const name of TOKEN_PARAMS) if (parsed.searchParams.has(name)) found.push(`query ${name}`);
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^bearer\b/i.test(auth)) found.push('Authorization: Bearer');
  const cookie = headers.cookie;
  if (typeof cookie === 'string' && /(?:^|;\s*)urlseal=/.test(cookie)) found.push('cookie urlseal');
  return found;
}

/**
 * The media origin: plain static files with Range support, as any bucket or
 * file server would be. It knows nothing about tokens; it only complains, loudly,
 * if one ever reaches it, because that would mean the edge leaked a credential
 * into origin logs and cache keys.
 */
export function createMediaOrigin(options: MediaOriginOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const logError = options.logError ?? ((line: string) => console.error(line));
  app.use((req, res, next) => {
    const seen: SeenRequest = { method: req.method, url: req.originalUrl, headers: { ...req.headers } };
    options.onRequest?.(seen);
    const path = new URL(req.originalUrl, 'http://origin.invalid').pathname.replace(/\/_token\/[^/]*/, '/_token/<redacted>');
    const carriers = tokenCarriers(req.originalUrl, req.headers);
    if (carriers.length > 0) {
      logError(`[media] ERROR: a token reached the origin (${carriers.join(', ')}) on ${req.method} ${path}`);
    }
    if (options.log) {
      const log = options.log;
      res.on('finish', () => log(`[media] ${req.method} ${path} ${res.statusCode}${req.headers.range ? ` (${req.headers.range})` : ''}`));
    }
    if (options.allowOrigin) {
      res.setHeader('Access-Control-Allow-Origin', options.allowOrigin);
      res.setHeader('Vary', 'Origin');
    }
    next();
  });
  app.use(
    express.static(options.root ?? MEDIA_DIR, {
      acceptRanges: true,
      dotfiles: 'deny',
      fallthrough: true,
      index: false,
      setHeaders(res, path) {
        if (path.endsWith('.m3u8')) res.setHeader('Content-Type', 'application/vnd.apple.mpegurl');
        else if (path.endsWith('.ts')) res.setHeader('Content-Type', 'video/mp2t');
        // Media never changes in place: let the edge and browsers cache it.
        res.setHeader('Cache-Control', 'public, max-age=3600');
      },
    }),
  );
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  return app;
}

/** Starts a node:http server for `handler` and resolves once it listens. */
export function listen(handler: RequestListener, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
