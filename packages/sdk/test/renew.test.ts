import { createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { createRenewalHandler, createSigner, ttlFor, type RenewalGrant } from '@urlseal/sdk';
import { renewalAnswer } from '../src/renew.js';
import { createSigner as createWebSigner } from '../src/web.js';
import { HS_KEYRING, HS_SECRET, NOW, NOW_DATE, decodeSegment, privateJwk } from './helpers.js';

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

// Both signers, through Express (next) and plain node:http (no next).
const SIGNERS = {
  node: createSigner({ keyring: HS_KEYRING, ttl: '5m', currentDate: NOW_DATE }),
  web: createWebSigner({ keyring: HS_KEYRING, ttl: '5m', currentDate: NOW_DATE }),
} as const;

function servers(signer: (typeof SIGNERS)[keyof typeof SIGNERS], grant: RenewalGrant) {
  const handler = createRenewalHandler({ signer, authorize: () => grant });
  const app = express();
  const errors: string[] = [];
  app.post('/link', handler);
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error.message);
    res.status(500).json({ error: 'internal' });
  });
  return { express: app, http: createServer((req, res) => void handler(req, res)), errors };
}

describe.each(Object.keys(SIGNERS) as (keyof typeof SIGNERS)[])('createRenewalHandler with the %s signer', (name) => {
  const signer = SIGNERS[name];
  const verifier = createVerifier({ keyring: HS_KEYRING, currentDate: NOW_DATE });

  it('answers a link the edge grants now (never 200 {})', async () => {
    const { express: app, http } = servers(signer, { url: `${EDGE}/videos/c1/hls/master.m3u8`, options: { grant: '/videos/c1/hls/*' } });
    for (const server of [app, http]) {
      const res = await request(server).post('/link').expect(200);
      const { url, token, expires } = res.body as { url: string; token: string; expires: number };
      expect(url).toBe(`${EDGE}/_token/${token}/videos/c1/hls/master.m3u8`);
      expect(expires).toBe(NOW + 300);
      expect(await verifier.verifyToken(token, '/videos/c1/hls/seg1.ts')).toMatchObject({ ok: true });
    }
  });

  it('a signature that fails is a 500 (or next(error)), never a crash or 200', async () => {
    const { express: app, http, errors } = servers(signer, { url: '/videos/%2e%2e/secret.mp4' });
    expect((await request(app).post('/link').expect(500)).body).toEqual({ error: 'internal' });
    expect(errors).toEqual([expect.stringMatching(/^signUrl|^sign: url/)]);
    const res = await request(http).post('/link').expect(500);
    expect(res.text).toBe('{"error":"internal"}');
  });

  it.each([
    ['already expired', { expires: NOW - 60 }],
    ['beyond maxTtl', { expires: NOW + 10 * 86400 }],
    ['not yet valid', { nbf: NOW + 3600 }],
    ['with a harmless nbf too', { nbf: NOW - 10 }],
  ])('refuses a grant whose times authorize chose (%s): 500 / next(error), one line', async (_case, times) => {
    const { express: app, http, errors } = servers(signer, { url: '/videos/a.mp4', options: { ...times } });
    await request(app).post('/link').expect(500);
    const option = Object.keys(times)[0];
    expect(errors).toEqual([`createRenewalHandler: authorize returned option "${option}"; a renewal is a link valid now: give "ttl" instead (bounded by the signer's maxTtl)`]);
    expect((await request(http).post('/link').expect(500)).text).toBe('{"error":"internal"}');
  });
});

describe('createRenewalHandler with a web signer whose key pair does not match', () => {
  it('answers 500 and the app keeps running (no unhandled rejection)', async () => {
    const one = privateJwk('EdDSA', 'e1');
    const other = privateJwk('EdDSA', 'e1');
    const signer = createWebSigner({ keyring: { keys: [{ ...one, d: other.d }] }, currentDate: NOW_DATE });
    const { express: app, http, errors } = servers(signer, { url: '/videos/a.mp4' });
    await request(app).post('/link').expect(500);
    expect(errors).toEqual([expect.stringContaining('is not a usable EdDSA key pair')]);
    expect((await request(http).post('/link').expect(500)).body).toEqual({ error: 'internal' });
  });

  it('resolves even when the answer cannot be written', async () => {
    const handler = createRenewalHandler({ signer: SIGNERS.web, authorize: () => ({ url: '/videos/a.mp4' }) });
    const res = { writeHead: () => { throw new Error('socket gone'); }, end: () => {}, destroy: () => {}, headersSent: false, writableEnded: false };
    await expect(handler({ method: 'POST' } as never, res as never)).resolves.toBeUndefined();
  });
});

describe('renewalAnswer', () => {
  it('answers a secure-token URL with its expiry and no token field', () => {
    const legacy = createSigner({ keyring: { secureToken: ['0123456789abcdef0123456789abcdef'] }, scheme: 'secure-token', currentDate: NOW_DATE });
    const signed = legacy.sign('/videos/a.mp4');
    expect(renewalAnswer(signed)).toEqual({ url: signed.url, expires: NOW + 300 });
  });
});
