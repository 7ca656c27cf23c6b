import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../src/server.js';
import { generateDemoKeyring } from '../src/keyring.js';
import { csrfOf, login, mediaLinkOf } from './helpers.js';

const EDGE = 'http://127.0.0.1:8080';
const app = createApp({ keyring: generateDemoKeyring(), edgeUrl: EDGE });

describe('LMS app: sign-in and enrolment', () => {
  it('sends anonymous visitors to the login page', async () => {
    const res = await request(app).get('/courses/1/lessons/1').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fcourses%2F1%2Flessons%2F1');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie and a CSRF field on the login form', async () => {
    const res = await request(app).get('/login').expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/lms_sid=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(csrfOf(res.text).length).toBeGreaterThan(20);
  });

  it('says only "Email or password is incorrect" for a wrong password or an unknown email', async () => {
    const wrong = await login(app, 'ada@example.com', 'babbage');
    const unknown = await login(app, 'nobody@example.com', 'lovelace');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain('Email or password is incorrect');
    }
  });

  it('rejects a login POST without the form CSRF token', async () => {
    const agent = request.agent(app);
    await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ email: 'ada@example.com', password: 'lovelace', csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeDefined();
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
  });

  it('gives alan (enrolled in nothing) a friendly 403 page and no link', async () => {
    const { agent } = await login(app, 'alan@example.com', 'turing');
    for (const n of [1, 2, 3]) {
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

  it('serves hls.js from the app itself', async () => {
    const res = await request(app).get('/vendor/hls.min.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses off-site redirects after login', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const res = await agent.post('/login').type('form').send({ csrf: csrfOf(form.text), email: 'ada@example.com', password: 'lovelace', next: '//evil.example/' });
    expect(res.headers.location).toBe('/courses');
  });
});
