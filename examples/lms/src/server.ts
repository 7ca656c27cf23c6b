import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRenewalHandler, revokeSession, revokeUser, type KeyringJson } from '@urlseal/sdk';
import { authenticate, constantTimeEqual, findUser, isEnrolled as enrolledIn, LOGIN_COOKIE, LoginCsrf, SESSION_COOKIE, SessionStore, USERS, type Session, type User } from './auth.js';
import { COURSES, findCourse, findLesson } from './catalogue.js';
import { createLinkSigner } from './links.js';
import { adminPage, adminOnlyPage } from './views/admin.js';
import { cataloguePage, coursePage, forbiddenPage, lessonPage, notFoundPage, unavailablePage, type PageContext } from './views/courses.js';
import type { SafeHtml } from './views/html.js';
import { loginPage } from './views/login.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
// Players are served from this app (node_modules), not a CDN: no third party sees which lesson is watched.
const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const VENDOR: Readonly<Record<string, string>> = {
  'hls.min.js': join(packageDir('hls.js'), 'dist/hls.min.js'),
  // dash.js's script build (its `require`/`script` export): the UMD bundle that defines window.dashjs.
  'dash.all.min.js': require.resolve('dashjs'),
  'urlseal-player.js': require.resolve('@urlseal/player/bundle'),
};

export interface AppOptions {
  /** The origin's signing keyring. */
  readonly keyring: KeyringJson;
  /** Public base URL of the edge the links point at. */
  readonly edgeUrl: string;
  readonly ttlSeconds?: number;
  /** Clock in ms, shared by sessions and link expiry (tests inject one). */
  readonly now?: () => number;
  /** Request log; lines hold method, path and status only. */
  readonly log?: (line: string) => void;
  /** Most signed-in sessions kept (default 10,000; the oldest goes first). Only a login makes one. */
  readonly maxSessions?: number;
  /** Who may watch what (default: the demo users' enrolments); tests take access away with it. */
  readonly isEnrolled?: (user: User, courseId: string) => boolean;
  /**
   * Where revocations go (the file the edge watches). Without it, signing out ends the app's
   * sessions only: links already handed out live until they expire.
   */
  readonly revocations?: AppRevocations;
}

/** The revocation store the app writes with `revokeUser`/`revokeSession` from `@urlseal/sdk`. */
export interface AppRevocations {
  /** The revocation file the edge watches (`revocationFile` of `@urlseal/edge/revocation-source`). */
  readonly store: string;
  /** Seconds until the edge refuses a revoked link (its cache TTL plus the file watch), for the pages' wording. */
  readonly delaySeconds: number;
  /** The edge's clock leeway in seconds, so entries are kept as long as a token could match (default 30). */
  readonly leeway?: number | undefined;
}

interface Locals {
  sessionId?: string;
  session?: Session;
  user?: User;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

function setSessionCookie(res: Response, id: string): void {
  // HttpOnly: scripts never read it. SameSite=Lax: not sent on cross-site POSTs.
  // No `Secure` because the demo runs on plain http://127.0.0.1; add it behind HTTPS.
  res.append('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
}

function setLoginCookie(res: Response, nonce: string): void {
  // Scoped to the form's own path, for an hour: it only ties a login POST to its form.
  res.append('Set-Cookie', `${LOGIN_COOKIE}=${nonce}; Path=/login; Max-Age=3600; HttpOnly; SameSite=Lax`);
}

function send(res: Response, status: number, page: SafeHtml): void {
  res.status(status).type('html').send(page.toString());
}

/** Only same-site relative paths, so `next` cannot bounce a user to another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/courses';
}

/**
 * The LMS origin app: login, catalogue, lessons. It holds the signing keyring
 * and mints a fresh media link each time a lesson page is rendered; it never
 * serves media itself.
 */
export function createApp(options: AppOptions): express.Express {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const sessions = new SessionStore(now, options.maxSessions);
  const loginCsrf = new LoginCsrf();
  const links = createLinkSigner({ keyring: options.keyring, edgeUrl: options.edgeUrl, ttlSeconds: options.ttlSeconds, now });
  const isEnrolled = options.isEnrolled ?? enrolledIn;
  const edgeOrigin = new URL(options.edgeUrl).origin;
  const revocations = options.revocations;
  const revokeOptions = () => ({ now: Math.floor(now() / 1000), ...(revocations?.leeway === undefined ? {} : { leeway: revocations.leeway }) });

  /**
   * "Sign out everywhere" and an admin's "revoke access": ends every app session of the user
   * (so no renewal signs a new link), then tells the edge. `revokeUser` refuses every link of
   * the user signed before this second; `revokeSession` for each ended session also refuses
   * its links signed within this second (an entry revokes `iat < notBefore`, and a link of this
   * second has `iat = notBefore`). A new login has a new `sid` and signs at or after
   * `notBefore`, so its links play.
   */
  async function revokeEverywhere(user: User): Promise<{ sessions: number; notBefore?: number }> {
    const sids = sessions.destroyUser(user.email);
    if (!revocations) return { sessions: sids.length };
    const { notBefore } = await revokeUser(revocations.store, user.id, revokeOptions());
    for (const sid of sids) await revokeSession(revocations.store, sid, revokeOptions());
    return { sessions: sids.length, notBefore };
  }

  const stopsWithin = (): string =>
    revocations
      ? `Links already handed out stop working at the edge within ${revocations.delaySeconds} s (a playing video stops at its next segment).`
      : 'This app has no revocation store: links already handed out keep working until they expire.';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    // Log the path only: query strings are where tokens and secrets tend to end up.
    res.on('finish', () => log(`[app] ${req.method} ${req.path} ${res.statusCode}`));
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `media-src ${edgeOrigin} blob:`, // <video src> and hls.js MediaSource blobs
        `connect-src 'self' ${edgeOrigin}`, // hls.js XHRs to the edge
        "worker-src 'self' blob:", // hls.js transmuxes in a blob: worker
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
      ].join('; '),
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Pages embed signed links; the Referer sent to the edge should not carry page URLs elsewhere.
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });

  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  app.get('/vendor/:file', (req, res, next) => {
    const file = Object.hasOwn(VENDOR, req.params.file) ? VENDOR[req.params.file] : undefined;
    if (file === undefined) return next();
    res.type('js').sendFile(file, { maxAge: '1d' });
  });

  // Session lookup for everything dynamic.
  app.use((req, res, next) => {
    const locals = res.locals as Locals;
    const id = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    const session = sessions.get(id);
    if (id && session) {
      locals.sessionId = id;
      locals.session = session;
      locals.user = findUser(session.email);
    }
    // Every dynamic page is per-user and may hold a short-lived link: never cache it.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  function requireUser(req: Request, res: Response, next: NextFunction): void {
    if ((res.locals as Locals).user) return next();
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  }

  function ctx(res: Response): PageContext {
    const { user, session } = res.locals as Locals;
    if (!user || !session) throw new Error('page context without a signed-in user');
    return { user, csrf: session.csrf };
  }

  app.get('/', (_req, res) => res.redirect(303, '/courses'));

  app.get('/login', (req, res) => {
    const locals = res.locals as Locals;
    if (locals.user) return res.redirect(303, '/courses');
    // No session for an anonymous visitor: the form's CSRF token rides on a nonce cookie.
    let nonce = parseCookies(req.headers.cookie).get(LOGIN_COOKIE);
    if (!loginCsrf.isNonce(nonce)) {
      nonce = loginCsrf.nonce();
      setLoginCookie(res, nonce);
    }
    const notice = req.query['signed-out'] === 'everywhere' ? `You are signed out everywhere. ${stopsWithin()}` : undefined;
    send(res, 200, loginPage({ csrf: loginCsrf.token(nonce), next: typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined, notice }));
  });

  app.post('/login', form, async (req, res) => {
    const locals = res.locals as Locals;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    const next = body.next === undefined ? undefined : safeNext(body.next);
    const nonce = parseCookies(req.headers.cookie).get(LOGIN_COOKIE);

    if (!loginCsrf.verify(nonce, csrf)) {
      // A new form, tied to a new nonce; still no session.
      const fresh = loginCsrf.nonce();
      setLoginCookie(res, fresh);
      return send(res, 403, loginPage({ csrf: loginCsrf.token(fresh), email, next, error: 'Your sign-in form expired. Please try again.' }));
    }
    const user = await authenticate(email, password);
    if (!user) {
      return send(res, 401, loginPage({ csrf, email, next, error: 'Email or password is incorrect.' }));
    }
    // The only place a session is made. New session id on login, so an id planted before login is worth nothing.
    sessions.destroy(locals.sessionId);
    const created = sessions.create(user.email);
    setSessionCookie(res, created.id);
    res.append('Set-Cookie', `${LOGIN_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax`);
    res.redirect(303, next ?? '/courses');
  });

  const csrfOk = (req: Request, res: Response): boolean => {
    const { session } = res.locals as Locals;
    const csrf = typeof req.body?.csrf === 'string' ? (req.body.csrf as string) : '';
    return session !== undefined && constantTimeEqual(csrf, session.csrf);
  };

  app.post('/logout', form, async (req, res) => {
    const locals = res.locals as Locals;
    if (locals.session && csrfOk(req, res)) {
      sessions.destroy(locals.sessionId);
      res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      // This session's links end at the edge too (other sessions of the user keep theirs).
      if (revocations) await revokeSession(revocations.store, locals.session.sid, revokeOptions());
    }
    res.redirect(303, '/login');
  });

  app.post('/logout/everywhere', form, async (req, res) => {
    const { user } = res.locals as Locals;
    if (!user || !csrfOk(req, res)) return res.redirect(303, '/login');
    await revokeEverywhere(user);
    res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    res.redirect(303, '/login?signed-out=everywhere');
  });

  // The admin page: revoke another user's access (every session ended, every link refused at the edge).
  const others = () => USERS.filter((u) => !u.admin);
  app.get('/admin', requireUser, (_req, res) => {
    if (!(res.locals as Locals).user?.admin) return send(res, 403, adminOnlyPage(ctx(res)));
    send(res, 200, adminPage(ctx(res), others()));
  });

  app.post('/admin/revoke', requireUser, form, async (req, res) => {
    if (!(res.locals as Locals).user?.admin || !csrfOk(req, res)) return send(res, 403, adminOnlyPage(ctx(res)));
    const target = others().find((u) => u.id === req.body?.user);
    if (!target) return send(res, 404, adminPage(ctx(res), others(), 'No such user.'));
    const done = await revokeEverywhere(target);
    const ended = `${done.sessions} ${done.sessions === 1 ? 'session' : 'sessions'} ended`;
    send(res, 200, adminPage(ctx(res), others(), `Revoked ${target.name}'s access: ${ended}. ${stopsWithin()}`));
  });

  app.get('/courses', requireUser, (_req, res) => {
    const user = (res.locals as Locals).user as User;
    send(res, 200, cataloguePage(ctx(res), COURSES, (id) => isEnrolled(user, id)));
  });

  app.get('/courses/:id', requireUser, (req, res) => {
    const user = (res.locals as Locals).user as User;
    const course = findCourse(String(req.params.id));
    if (!course) return send(res, 404, notFoundPage(ctx(res)));
    send(res, 200, coursePage(ctx(res), course, isEnrolled(user, course.id)));
  });

  app.get('/courses/:id/lessons/:n', requireUser, (req, res) => {
    const user = (res.locals as Locals).user as User;
    const course = findCourse(String(req.params.id));
    const lesson = course && findLesson(course, String(req.params.n));
    if (!course || !lesson) return send(res, 404, notFoundPage(ctx(res)));
    // The only authorisation decision in the system: no enrolment, no link.
    if (!isEnrolled(user, course.id)) return send(res, 403, forbiddenPage(ctx(res), course));
    if (lesson.kind === 'mp4-sealed' && !links.sealedSigner) return send(res, 503, unavailablePage(ctx(res), course, 'This lesson seals its link with an HS256 kid, and the keyring (URLSEAL_KEYRING) has none. Add one to its "kids" to watch it.'));
    const sid = (res.locals as Locals).session?.sid;
    const link = links.sign(lesson, user.id, sid);
    const tryIt = { expired: links.expired(lesson, user.id, sid), otherCourse: '/videos/course-2/welcome.mp4' };
    send(res, 200, lessonPage(ctx(res), course, lesson, link, tryIt));
  });

  // The player's renewal endpoint (POST, JSON): the same decision as the lesson page,
  // taken again on every renewal, so a viewer who lost access gets no new link.
  // One handler per signer: the sealed lesson's links are sealed with the HS256 kid (its answer's
  // `expires` says when the link ends, which the sealed token itself does not show).
  const authorize = (sealed: boolean) => (req: Request) => {
    const { user, session } = (req.res?.locals as Locals | undefined) ?? {};
    const course = findCourse(String(req.params.id));
    const lesson = course && findLesson(course, String(req.params.n));
    if (!user || !course || !lesson || !isEnrolled(user, course.id) || (lesson.kind === 'mp4-sealed') !== sealed) return undefined;
    // The session's own sid: a renewal is revoked with the session it renews for.
    return links.grantFor(lesson, user.id, session?.sid);
  };
  const renew = createRenewalHandler({ signer: links.signer, authorize: authorize(false) });
  const renewSealed = links.sealedSigner ? createRenewalHandler({ signer: links.sealedSigner, authorize: authorize(true) }) : renew;
  app.post('/courses/:id/lessons/:n/link', (req, res, next) => {
    const course = findCourse(String(req.params.id));
    const sealed = course !== undefined && findLesson(course, String(req.params.n))?.kind === 'mp4-sealed';
    void (sealed ? renewSealed : renew)(req, res, next);
  });

  app.use((_req, res) => {
    const locals = res.locals as Locals;
    send(res, 404, notFoundPage(locals.user && locals.session ? { user: locals.user, csrf: locals.session.csrf } : undefined));
  });

  // Last resort: a plain 500 without stack traces; the log line names the path, never a query.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    log(`[app] ERROR ${req.method} ${req.path}: ${error instanceof Error ? error.message : String(error)}`);
    if (res.headersSent) return;
    res.status(500).type('text/plain').send('Something went wrong. Please try again.\n');
  });

  return app;
}
