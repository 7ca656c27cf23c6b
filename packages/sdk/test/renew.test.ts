import { createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createRenewalHandler, createSigner, ttlFor } from '@urlseal/sdk';
import { renewalAnswer } from '../src/renew.js';
import { HS_KEYRING, HS_SECRET, NOW, NOW_DATE, decodeSegment } from './helpers.js';

const EDGE = 'https://cdn.example';
const signer = createSigner({ keyring: HS_KEYRING, ttl: '5m', currentDate: NOW_DATE });

/** An LMS in a few lines: enrolment is a set the test can change. */
function lms(enrolled: Set<string>) {
  const app = express();
  app.post(
    '/lessons/:course/link',
    createRenewalHandler({
      signer,
      authorize: (req: Request) => {
        const course = String(req.params.course);
        if (req.get('x-user') !== 'ada' || !enrolled.has(course)) return undefined;
        return { url: `${EDGE}/videos/${course}/hls/master.m3u8`, options: { grant: `/videos/${course}/hls/*`, sub: 'u1' } };
      },
    }),
  );
  return app;
}

describe('createRenewalHandler', () => {
  it('re-signs the same grant with fresh times: { url, token, expires }, no-store', async () => {
    const res = await request(lms(new Set(['c1']))).post('/lessons/c1/link').set('x-user', 'ada').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const { url, token, expires } = res.body as { url: string; token: string; expires: number };
    expect(url).toBe(`${EDGE}/_token/${token}/videos/c1/hls/master.m3u8`);
    expect(expires).toBe(NOW + 300);
    expect(decodeSegment(token, 1)).toEqual({ path: '/videos/c1/hls/*', sub: 'u1', iat: NOW, exp: NOW + 300 });
    const verified = await jwtVerify(token, new TextEncoder().encode(HS_SECRET), { currentDate: NOW_DATE });
    expect(verified.payload.path).toBe('/videos/c1/hls/*');
  });

  it('refuses (403) a viewer who lost access since the page was made', async () => {
    const enrolled = new Set(['c1']);
    const app = lms(enrolled);
    await request(app).post('/lessons/c1/link').set('x-user', 'ada').expect(200);
    enrolled.delete('c1');
    const res = await request(app).post('/lessons/c1/link').set('x-user', 'ada').expect(403);
    expect(res.body).toEqual({ error: 'forbidden' });
    expect(res.headers['cache-control']).toBe('no-store');
    await request(app).post('/lessons/c1/link').set('x-user', 'eve').expect(403);
  });

  it('answers only POST (a GET could be prefetched or cached)', async () => {
    const handler = createRenewalHandler({ signer, authorize: () => ({ url: '/videos/a.mp4' }) });
    const server = createServer((req, res) => void handler(req, res));
    const res = await request(server).get('/').expect(405);
    expect(res.headers.allow).toBe('POST');
    const ok = await request(server).post('/').expect(200);
    expect(ok.body.url).toMatch(/^\/videos\/a\.mp4\?token=eyJ/);
  });

  it('hands a failure to next(), or answers 500 without details', async () => {
    const failing = createRenewalHandler({ signer, authorize: () => ({ url: '/videos/%2e%2e/secret.mp4' }) });
    const app = express();
    app.post('/a', failing);
    const seen: string[] = [];
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      seen.push(error.name);
      res.status(500).end();
    });
    await request(app).post('/a').expect(500);
    expect(seen).toEqual(['TypeError']);
    const server = createServer((req, res) => void failing(req, res));
    const res = await request(server).post('/').expect(500);
    expect(res.body).toEqual({ error: 'internal' });
  });

  it('takes a ttl from ttlFor for players that cannot renew', async () => {
    const handler = createRenewalHandler({ signer, authorize: () => ({ url: '/videos/a.mp4', options: { ttl: ttlFor(3600) } }) });
    const res = await request(createServer((req, res) => void handler(req, res))).post('/').expect(200);
    expect(res.body.expires).toBe(NOW + 3900);
  });

  it('validates its options once', () => {
    expect(() => createRenewalHandler(undefined as never)).toThrow(TypeError);
    expect(() => createRenewalHandler({ signer: {} as never, authorize: () => undefined })).toThrow(/signer/);
    expect(() => createRenewalHandler({ signer, authorize: 'yes' as never })).toThrow(/authorize/);
  });
});

describe('renewalAnswer', () => {
  it('answers a secure-token URL with its expiry and no token field', () => {
    const legacy = createSigner({ keyring: { secureToken: ['0123456789abcdef0123456789abcdef'] }, scheme: 'secure-token', currentDate: NOW_DATE });
    const signed = legacy.sign('/videos/a.mp4');
    expect(renewalAnswer(signed)).toEqual({ url: signed.url, expires: NOW + 300 });
  });
});
