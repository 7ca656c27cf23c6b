import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../src/server.js';
import { isEnrolled, type User } from '../src/auth.js';
import { generateDemoKeyring } from '../src/keyring.js';
import { createVerifier } from '@urlseal/edge';
import { listRevocations } from '@urlseal/sdk';
import { csrfOf, login, mediaLinkOf, unescapeHtml } from './helpers.js';

const EDGE = 'http://127.0.0.1:8080';
const app = createApp({ keyring: generateDemoKeyring(), edgeUrl: EDGE });
const JWT = /[\w-]+\.[\w-]+\.[\w-]+/.source;

describe('LMS app: sign-in and enrolment', () => {
  it('sends anonymous visitors to the login page', async () => {
    const res = await request(app).get('/courses/1/lessons/1').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fcourses%2F1%2Flessons%2F1');
  });

  it('gives the login form a CSRF field tied to an HttpOnly, SameSite=Lax cookie, and no session', async () => {
    const res = await request(app).get('/login').expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^lms_login=[\w-]{32}; Path=\/login; Max-Age=3600; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain('lms_sid');
    expect(csrfOf(res.text).length).toBeGreaterThan(20);
  });

  it('signs in with a session cookie: HttpOnly, SameSite=Lax', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ csrf: csrfOf(form.text), email: 'ada@example.com', password: 'lovelace' }).expect(303);
    expect(String(res.headers['set-cookie'])).toMatch(/lms_sid=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('keeps signed-in users through any number of anonymous visits: only a login makes a session', async () => {
    const small = createApp({ keyring: generateDemoKeyring(), edgeUrl: EDGE, maxSessions: 3 });
    // The bound is real: a fourth login evicts the oldest session.
    const first = await login(small, 'ada@example.com', 'lovelace');
    const kept = [await login(small, 'alan@example.com', 'turing'), await login(small, 'ada@example.com', 'lovelace')];
    await first.agent.get('/courses').expect(200);
    await login(small, 'alan@example.com', 'turing');
    await first.agent.get('/courses').expect(303);
    // Ten times the bound of anonymous visits to the form, and forged POSTs: nobody is signed out.
    for (let i = 0; i < 30; i++) {
      const res = await request(small).get('/login').expect(200);
      expect(String(res.headers['set-cookie'])).not.toContain('lms_sid');
    }
    for (let i = 0; i < 10; i++) {
      const res = await request(small).post('/login').type('form').send({ csrf: 'forged', email: 'a', password: 'b' }).expect(403);
      expect(String(res.headers['set-cookie'])).not.toContain('lms_sid');
    }
    for (const { agent } of kept) await agent.get('/courses').expect(200);
  });

  it('says only "Email or password is incorrect" for a wrong password or an unknown email', async () => {
    const wrong = await login(app, 'ada@example.com', 'babbage');
    const unknown = await login(app, 'nobody@example.com', 'lovelace');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain('Email or password is incorrect');
    }
  });

  it('rejects a login POST without the form CSRF token, or with another browser\'s', async () => {
    const agent = request.agent(app);
    await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ email: 'ada@example.com', password: 'lovelace', csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(String(res.headers['set-cookie'])).toMatch(/^lms_login=/);
    // A field copied from another browser's form does not match this browser's nonce.
    const other = csrfOf((await request(app).get('/login')).text);
    await agent.post('/login').type('form').send({ email: 'ada@example.com', password: 'lovelace', csrf: other }).expect(403);
    // No nonce cookie at all.
    await request(app).post('/login').type('form').send({ email: 'ada@example.com', password: 'lovelace', csrf: other }).expect(403);
  });

  it('gives a new session id on login', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const before = String(form.headers['set-cookie']).split(';')[0];
    const res = await agent.post('/login').type('form').send({ csrf: csrfOf(form.text), email: 'ada@example.com', password: 'lovelace' }).expect(303);
    const after = String(res.headers['set-cookie']).split(';')[0];
    expect(after).not.toBe(before);
    expect(res.headers.location).toBe('/courses');
  });

  it('shows ada a signed link per lesson kind, never cached', async () => {
    const { agent, location } = await login(app, 'ada@example.com', 'lovelace');
    expect(location).toBe('/courses');
    const catalogue = await agent.get('/courses').expect(200);
    expect(catalogue.text).toContain('Protecting media with signed URLs');

    const mp4 = await agent.get('/courses/1/lessons/1').expect(200);
    expect(mp4.headers['cache-control']).toBe('no-store');
    expect(mediaLinkOf(mp4.text)).toMatch(/^http:\/\/127\.0\.0\.1:8080\/videos\/course-1\/intro\.mp4\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(mp4.text).toContain("What's signed here");

    const hls = await agent.get('/courses/1/lessons/2').expect(200);
    expect(mediaLinkOf(hls.text)).toMatch(/^http:\/\/127\.0\.0\.1:8080\/_token\/[\w-]+\.[\w-]+\.[\w-]+\/videos\/course-1\/hls\/master\.m3u8$/);
    expect(hls.text).toContain('/vendor/hls.min.js');
    expect(hls.text).toContain('/videos/course-1/hls/*');

    const legacy = await agent.get('/courses/1/lessons/3').expect(200);
    expect(mediaLinkOf(legacy.text)).toMatch(/^http:\/\/127\.0\.0\.1:8080\/videos\/course-1\/intro\.mp4\?st=[\w-]{22}&e=\d{10}$/);
    expect(legacy.text).toContain('migration path');
    expect(legacy.text).not.toContain('data-renew'); // the page cannot renew a legacy link

    const lecture = await agent.get('/courses/1/lessons/4').expect(200);
    expect(mediaLinkOf(lecture.text)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:8080/_token/${JWT}/videos/course-1/lecture/master\\.m3u8$`));
    expect(lecture.text).toContain('data-renew="/courses/1/lessons/4/link"');

    const dash = await agent.get('/courses/1/lessons/5').expect(200);
    expect(mediaLinkOf(dash.text)).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:8080/_token/${JWT}/videos/course-1/dash/manifest\\.mpd$`));
    expect(dash.text).toContain('/vendor/dash.all.min.js');
    expect(dash.text).toContain('data-player="dash"');

    // Sealed: five segments, the header alone readable; not renewed by the page (it cannot read the expiry).
    const sealed = await agent.get('/courses/1/lessons/6').expect(200);
    const link = mediaLinkOf(sealed.text) ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8080\/videos\/course-1\/intro\.mp4\?token=eyJ[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed.text).not.toContain('data-renew');
    expect(sealed.text).toContain('sealed: only the header is readable');
    expect(sealed.text).toContain('could also mint them');
  });

  it('seals lesson 6 with the HS256 kid, for the whole video plus LINK_TTL; the edge grants it and the link shows only the header', async () => {
    const keyring = generateDemoKeyring();
    const kid = Object.keys(keyring.kids ?? {})[0] ?? '';
    expect(kid).toMatch(/^demo-seal-/);
    const sealing = createApp({ keyring, edgeUrl: EDGE, ttlSeconds: 10 });
    const { agent } = await login(sealing, 'ada@example.com', 'lovelace');
    const link = mediaLinkOf((await agent.get('/courses/1/lessons/6').expect(200)).text) ?? '';
    const token = new URL(link).searchParams.get('token') ?? '';
    const parts = token.split('.');
    expect(parts).toHaveLength(5);
    expect(JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256GCM', kid });
    for (const part of parts.slice(1)) expect(Buffer.from(part, 'base64url').toString('latin1')).not.toMatch(/"(sub|path|exp|iat)"|course-1/);
    const decision = await createVerifier({ keyring, sealed: 'require' }).verify(new Request(link));
    expect(decision).toMatchObject({ ok: true });
    const claims = (decision as { claims: { exp: number; iat: number; sub: string; path: string } }).claims;
    expect([claims.sub, claims.path, claims.exp - claims.iat]).toEqual(['u1', '/videos/course-1/intro.mp4', 8 + 10]);
  });

  it('shows the signed link with a copy button, and exp/iat in human time next to the numbers', async () => {
    const { agent } = await login(app, 'ada@example.com', 'lovelace');
    const page = await agent.get('/courses/1/lessons/2').expect(200);
    const shown = /<code class="signed-url" id="signed-url"[^>]*>([^<]+)<\/code>/.exec(page.text)?.[1];
    expect(unescapeHtml(shown ?? '')).toBe(mediaLinkOf(page.text));
    expect(page.text).toContain('data-copy="signed-url"');
    for (const claim of ['exp', 'iat']) {
      const match = new RegExp(`data-claim="${claim}">(\\d+)</code> <span[^>]*data-claim-time="${claim}">([^<]+)</span>`).exec(page.text);
      expect(match, claim).not.toBeNull();
      const unix = Number(match?.[1]);
      expect(match?.[2]).toBe(`${new Date(unix * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
    }
  });

  it('renders the try-it panel with an expired link for this lesson and another course’s file', async () => {
    const { agent } = await login(app, 'ada@example.com', 'lovelace');
    const page = await agent.get('/courses/1/lessons/1').expect(200);
    const expired = unescapeHtml(/data-try="expired" data-url="([^"]+)"/.exec(page.text)?.[1] ?? '');
    expect(expired).toMatch(/^http:\/\/127\.0\.0\.1:8080\/videos\/course-1\/intro\.mp4\?token=/);
    const claims = JSON.parse(Buffer.from(new URL(expired).searchParams.get('token')?.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    expect(claims.exp).toBeLessThan(Date.now() / 1000 - 3000);
    expect(page.text).toContain('data-path="/videos/course-2/welcome.mp4"');
    expect(page.text).toContain('data-play-tampered');
  });

  it('lets alan (enrolled in course 2 only) watch course 2 and gives him a friendly 403 and no link for course 1', async () => {
    const { agent } = await login(app, 'alan@example.com', 'turing');
    const welcome = await agent.get('/courses/2/lessons/1').expect(200);
    expect(mediaLinkOf(welcome.text)).toMatch(/^http:\/\/127\.0\.0\.1:8080\/videos\/course-2\/welcome\.mp4\?token=/);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const res = await agent.get(`/courses/1/lessons/${n}`).expect(403);
      expect(res.text).toContain('not enrolled');
      expect(mediaLinkOf(res.text)).toBeUndefined();
      expect(res.text).not.toContain('token=');
      expect(res.text).not.toContain('_token');
    }
  });

  it('404s unknown courses and lessons', async () => {
    const { agent } = await login(app, 'ada@example.com', 'lovelace');
    await agent.get('/courses/9/lessons/1').expect(404);
    await agent.get('/courses/1/lessons/7').expect(404);
    await agent.get('/courses/1/lessons/01').expect(404);
  });

  it('serves hls.js, dash.js and @urlseal/player from the app itself (node_modules, no CDN)', async () => {
    for (const file of ['hls.min.js', 'dash.all.min.js', 'urlseal-player.js']) {
      const res = await request(app).get(`/vendor/${file}`).expect(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
    }
    await request(app).get('/vendor/package.json').expect(404);
    await request(app).get('/vendor/..%2Fserver.js').expect(404);
  });

  it('refuses off-site redirects after login', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ csrf: csrfOf(form.text), email: 'ada@example.com', password: 'lovelace', next: '//evil.example/' });
    expect(res.headers.location).toBe('/courses');
  });
});

describe('LMS app: the renewal endpoint', () => {
  it('answers, for every lesson kind, a link the edge grants now (issue 20: never a dead or 200 {} renewal)', async () => {
    const keyring = generateDemoKeyring();
    const renewing = createApp({ keyring, edgeUrl: EDGE });
    const verifier = createVerifier({ keyring });
    const { agent } = await login(renewing, 'ada@example.com', 'lovelace');
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const res = await agent.post(`/courses/1/lessons/${n}/link`).expect(200);
      const { url, expires } = res.body as { url: string; expires: number };
      expect(expires).toBeGreaterThan(Math.floor(Date.now() / 1000));
      const decision = await verifier.verify(new Request(url));
      expect(decision, `lesson ${n}`).toMatchObject({ ok: true });
    }
  });

  it('re-signs the lesson link for an enrolled viewer: same grant, JSON, no-store', async () => {
    const { agent } = await login(app, 'ada@example.com', 'lovelace');
    const page = await agent.get('/courses/1/lessons/4').expect(200);
    const res = await agent.post('/courses/1/lessons/4/link').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const { url, token, expires } = res.body as { url: string; token: string; expires: number };
    expect(url).toBe(`${EDGE}/_token/${token}/videos/course-1/lecture/master.m3u8`);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    const first = JSON.parse(Buffer.from((/\/_token\/([^/]+)\//.exec(mediaLinkOf(page.text) ?? '')?.[1] ?? '').split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(claims.path).toBe('/videos/course-1/lecture/*');
    expect(claims.path).toBe(first.path);
    expect(claims.sub).toBe(first.sub);
    expect(expires).toBe(claims.exp);
  });

  it('refuses with 403 (never a redirect) a visitor who is not signed in, or not enrolled', async () => {
    const anonymous = await request(app).post('/courses/1/lessons/4/link').expect(403);
    expect(anonymous.body).toEqual({ error: 'forbidden' });
    const { agent } = await login(app, 'alan@example.com', 'turing');
    await agent.post('/courses/1/lessons/4/link').expect(403);
    await agent.post('/courses/9/lessons/1/link').expect(403);
    await agent.post('/courses/2/lessons/1/link').expect(200);
  });

  it('refuses a viewer who lost access after the page was made', async () => {
    const revoked = new Set<string>();
    const strict = createApp({ keyring: generateDemoKeyring(), edgeUrl: EDGE, isEnrolled: (user: User, id: string) => !revoked.has(user.id) && isEnrolled(user, id) });
    const { agent } = await login(strict, 'ada@example.com', 'lovelace');
    await agent.get('/courses/1/lessons/4').expect(200);
    await agent.post('/courses/1/lessons/4/link').expect(200);
    revoked.add('u1');
    await agent.post('/courses/1/lessons/4/link').expect(403);
  });
});

describe('LMS app: sessions in links, and revocation', () => {
  const claimsOf = (link: string): Record<string, unknown> => {
    const url = new URL(link);
    const token = url.searchParams.get('token') ?? /^\/_token\/([^/]+)\//.exec(url.pathname)?.[1] ?? '';
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  };
  /** Runs `use` with an app writing revocations to a file of a new folder, removed afterwards. */
  const withStore = async (use: (app: ReturnType<typeof createApp>, store: string) => Promise<void>): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'lms-revocations-'));
    const store = join(dir, 'revocations.json');
    try {
      await use(createApp({ keyring: generateDemoKeyring(), edgeUrl: EDGE, revocations: { store, delaySeconds: 3 } }), store);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('signs each login session’s own sid (never the cookie’s id) into its links, and renewals keep it', async () => {
    const one = await login(app, 'ada@example.com', 'lovelace');
    const two = await login(app, 'ada@example.com', 'lovelace');
    const first = claimsOf(mediaLinkOf((await one.agent.get('/courses/1/lessons/4').expect(200)).text) ?? '');
    const second = claimsOf(mediaLinkOf((await two.agent.get('/courses/1/lessons/4').expect(200)).text) ?? '');
    expect(first.sid).toMatch(/^[\w-]{22}$/);
    expect(second.sid).toMatch(/^[\w-]{22}$/);
    expect(first.sid).not.toBe(second.sid);
    expect(first.sub).toBe('u1');
    const renewed = (await one.agent.post('/courses/1/lessons/4/link').expect(200)).body as { url: string };
    expect(claimsOf(renewed.url).sid).toBe(first.sid);
    // The cookie's id is a bearer secret and links end up in logs: the sid is not it.
    const form = await request(app).get('/login');
    const nonce = /lms_login=([^;]+)/.exec(String(form.headers['set-cookie']))?.[1] ?? '';
    const res = await request(app).post('/login').set('Cookie', `lms_login=${nonce}`).type('form').send({ csrf: csrfOf(form.text), email: 'ada@example.com', password: 'lovelace' }).expect(303);
    const cookieId = /lms_sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
    const page = await request(app).get('/courses/1/lessons/1').set('Cookie', `lms_sid=${cookieId}`).expect(200);
    expect(cookieId).not.toBe('');
    expect(claimsOf(mediaLinkOf(page.text) ?? '').sid).not.toBe(cookieId);
    expect(page.text).not.toContain(cookieId);
  });

  it('"Sign out everywhere" ends every session of the user and revokes her links (sub and each sid) in the store', async () => {
    await withStore(async (revoking, store) => {
    const phone = await login(revoking, 'ada@example.com', 'lovelace');
    const laptop = await login(revoking, 'ada@example.com', 'lovelace');
    const alan = await login(revoking, 'alan@example.com', 'turing');
    const sids = [];
    for (const device of [phone, laptop]) sids.push(claimsOf(mediaLinkOf((await device.agent.get('/courses/1/lessons/1').expect(200)).text) ?? '').sid);
    const courses = await laptop.agent.get('/courses').expect(200);
    expect(courses.text).toContain('Sign out everywhere');
    const before = Math.floor(Date.now() / 1000);
    const out = await laptop.agent.post('/logout/everywhere').type('form').send({ csrf: csrfOf(courses.text) }).expect(303);
    expect(out.headers.location).toBe('/login?signed-out=everywhere');
    const notice = await laptop.agent.get(out.headers.location as string).expect(200);
    expect(notice.text).toContain('You are signed out everywhere. Links already handed out stop working at the edge within 3 s');
    // Both of Ada's sessions are gone (the phone too); Alan's is not.
    await phone.agent.get('/courses').expect(303);
    await phone.agent.post('/courses/1/lessons/4/link').expect(403);
    await alan.agent.get('/courses').expect(200);
    const list = await listRevocations(store);
    expect(Object.keys(list.sub)).toEqual(['u1']);
    expect(list.sub.u1).toBeGreaterThanOrEqual(before);
    expect(list.sub.u1).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(Object.keys(list.sid).sort()).toEqual([...sids].sort());
    });
  });

  it('"Sign out everywhere" needs the session’s CSRF token', async () => {
    await withStore(async (revoking, store) => {
    const ada = await login(revoking, 'ada@example.com', 'lovelace');
    await ada.agent.post('/logout/everywhere').type('form').send({ csrf: 'forged' }).expect(303);
    await ada.agent.get('/courses').expect(200);
    expect(existsSync(store)).toBe(false);
    });
  });

  it('"Sign out" revokes only this session’s links', async () => {
    await withStore(async (revoking, store) => {
    const ada = await login(revoking, 'ada@example.com', 'lovelace');
    const page = await ada.agent.get('/courses/1/lessons/1').expect(200);
    const { sid } = claimsOf(mediaLinkOf(page.text) ?? '');
    await ada.agent.post('/logout').type('form').send({ csrf: csrfOf(page.text) }).expect(303);
    const list = await listRevocations(store);
    expect(list.sub).toEqual({});
    expect(Object.keys(list.sid)).toEqual([sid]);
    });
  });

  it('lets only an admin revoke another user’s access: her sessions end, her links are revoked', async () => {
    await withStore(async (revoking, store) => {
    const ada = await login(revoking, 'ada@example.com', 'lovelace');
    const adaPage = await ada.agent.get('/courses').expect(200);
    expect(adaPage.text).not.toContain('href="/admin"');
    await ada.agent.get('/admin').expect(403);
    await ada.agent.post('/admin/revoke').type('form').send({ csrf: csrfOf(adaPage.text), user: 'u2' }).expect(403);

    const grace = await login(revoking, 'grace@example.com', 'hopper');
    const admin = await grace.agent.get('/admin').expect(200);
    expect(admin.text).toContain("Revoke Ada Lovelace's access");
    await grace.agent.post('/admin/revoke').type('form').send({ csrf: 'forged', user: 'u1' }).expect(403);
    await grace.agent.post('/admin/revoke').type('form').send({ csrf: csrfOf(admin.text), user: 'u3' }).expect(404);
    const done1 = await grace.agent.post('/admin/revoke').type('form').send({ csrf: csrfOf(admin.text), user: 'u1' }).expect(200);
    expect(unescapeHtml(done1.text)).toContain("Revoked Ada Lovelace's access: 1 session ended. Links already handed out stop working at the edge within 3 s");
    await ada.agent.get('/courses').expect(303);
    const list = await listRevocations(store);
    expect(Object.keys(list.sub)).toEqual(['u1']);
    expect(Object.keys(list.sid)).toHaveLength(1);
    // Ada signs in again and gets links.
    const again = await login(revoking, 'ada@example.com', 'lovelace');
    await again.agent.get('/courses/1/lessons/1').expect(200);
    });
  });
});
