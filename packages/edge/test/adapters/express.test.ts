import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { urlseal } from '@urlseal/edge/express';
import { KEYRING, jwt, now, secureQuery, tamper } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'urlseal-express-'));
const BODY = '0123456789abcdefghij';
writeFileSync(join(dir, 'a.mp4'), BODY);
writeFileSync(join(dir, 'a b.txt'), 'space');
const MANIFEST = '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="key.bin"\n#EXTINF:4,\nseg-1.ts\n#EXTINF:4,\n/other/seg-2.ts\n';
writeFileSync(join(dir, 'index.m3u8'), MANIFEST);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appWith(express: typeof express5, mount = '') {
  const a = express();
  const seen: Array<{ url: string; originalUrl: string; headers: Record<string, unknown>; urlseal: unknown; query: unknown }> = [];
  const guard = urlseal({ keyring: KEYRING });
  const record: express5.RequestHandler = (req, _res, next) => {
    seen.push({ url: req.url, originalUrl: req.originalUrl, headers: { ...req.headers }, urlseal: req.urlseal, query: { ...(req.query as object) } });
    next();
  };
  if (mount) a.use(mount, guard, record, express.static(dir));
  else a.use(guard, record, express.static(dir));
  a.get('/echo', (req, res) => res.json({ urlseal: req.urlseal }));
  return { app: a, seen };
}

describe.each([
  ['Express 5', express5],
  ['Express 4', express4 as unknown as typeof express5],
])('@urlseal/edge/express on %s', (_name, express) => {
  const app = (mount = '') => appWith(express, mount);
  it('serves express.static behind a path token, with the token stripped', async () => {
    const { app: a, seen } = app();
    const token = jwt({ path: '/*', sub: 'student-1' });
    const res = await request(a).get(`/_token/${token}/a.mp4`);
    expect(res.status).toBe(200);
    expect(res.text ?? res.body.toString()).toBe(BODY);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(seen[0]?.url).toBe('/a.mp4');
    expect(seen[0]?.originalUrl).toBe('/a.mp4');
    expect(seen[0]?.urlseal).toMatchObject({ scheme: 'jwt', claims: { sub: 'student-1' } });
  });

  it('keeps Range (206) and HEAD working', async () => {
    const { app: a } = app();
    const token = jwt({ path: '/a.mp4' });
    const ranged = await request(a).get(`/a.mp4?token=${token}`).set('Range', 'bytes=2-5').buffer(true).parse((r, cb) => {
      let d = '';
      r.on('data', (c: Buffer) => (d += c.toString()));
      r.on('end', () => cb(null, d));
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 2-5/${BODY.length}`);
    expect(ranged.body).toBe('2345');
    const head = await request(a).head(`/a.mp4?token=${token}`);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(BODY.length));
  });

  it('strips query, Bearer and cookie carriers before next()', async () => {
    const { app: a, seen } = app();
    const token = jwt({ path: '/a.mp4' });
    expect((await request(a).get(`/a.mp4?x=1&token=${token}`)).status).toBe(200);
    expect(seen.at(-1)?.url).toBe('/a.mp4?x=1');
    expect(seen.at(-1)?.query).toEqual({ x: '1' });
    const res = await request(a).get('/a.mp4').set('Authorization', `Bearer ${token}`).set('Cookie', `k=v; urlseal=${token}`);
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(seen.at(-1)?.headers.cookie).toBe('k=v');
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  it('accepts secure-token URLs for names with a space', async () => {
    const { app: a } = app();
    expect((await request(a).get(`/a%20b.txt?${secureQuery('/a b.txt')}`)).status).toBe(200);
  });

  it('denies with the SPEC §7 status, code, headers and body', async () => {
    const { app: a, seen } = app();
    const token = jwt({ path: '/a.mp4' });
    const missing = await request(a).get('/a.mp4');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'ERR_TOKEN_MISSING' });
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.headers['x-urlseal-error']).toBe('ERR_TOKEN_MISSING');
    const cases: Array<[string, number, string, 'get' | 'post']> = [
      [`/a.mp4?token=${tamper(token)}`, 403, 'ERR_SIGNATURE_INVALID', 'get'],
      [`/a.mp4?token=${jwt({ path: '/a.mp4', iat: now() - 600, exp: now() - 100 })}`, 410, 'ERR_TOKEN_EXPIRED', 'get'],
      [`/a%20b.txt?token=${token}`, 403, 'ERR_PATH_MISMATCH', 'get'],
      [`/x/%2e%2e/a.mp4?token=${token}`, 403, 'ERR_PATH_NONCANONICAL', 'get'],
      [`/a.mp4?token=${token}`, 405, 'ERR_METHOD_NOT_ALLOWED', 'post'],
      [`/a.mp4?token=a.b`, 401, 'ERR_TOKEN_MALFORMED', 'get'],
    ];
    for (const [target, status, code, method] of cases) {
      const res = await request(a)[method](target);
      expect(res.status, target).toBe(status);
      expect(res.body).toEqual({ error: code });
      expect(res.headers['x-urlseal-error']).toBe(code);
    }
    const bad = await request(a).get(`/a.mp4?token=${tamper(token)}`);
    expect(bad.headers['www-authenticate']).toBeUndefined();
    const invalid = await request(a).get(`/a.mp4?token=a.b`);
    expect(invalid.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(seen).toHaveLength(0);
  });

  it('works under a mount path: the grant covers the full path', async () => {
    const { app: a, seen } = app('/media');
    const res = await request(a).get(`/media/a.mp4?token=${jwt({ path: '/media/*' })}`);
    expect(res.status).toBe(200);
    expect(seen[0]?.url).toBe('/a.mp4');
    expect(seen[0]?.originalUrl).toBe('/media/a.mp4');
    expect((await request(a).get(`/media/a.mp4?token=${jwt({ path: '/a.mp4' })}`)).status).toBe(403);
  });

  it('rewrites an HLS manifest for a query token (not for a path token, not for HEAD)', async () => {
    const { app: a } = app();
    const token = jwt({ path: '/*' });
    const res = await request(a).get(`/index.m3u8?token=${token}`).buffer(true).parse((r, cb) => {
      let d = '';
      r.on('data', (c: Buffer) => (d += c.toString()));
      r.on('end', () => cb(null, d));
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain(`\nseg-1.ts?token=${token}\n`);
    expect(res.body).toContain(`URI="key.bin?token=${token}"`);
    expect(res.body).toContain(`/other/seg-2.ts?token=${token}`);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(res.headers['cache-control']).toBe('no-store');
    const narrow = jwt({ path: '/index.m3u8' });
    const kept = await request(a).get(`/index.m3u8?token=${narrow}`).buffer(true).parse((r, cb) => {
      let d = '';
      r.on('data', (c: Buffer) => (d += c.toString()));
      r.on('end', () => cb(null, d));
    });
    expect(kept.body).toBe(MANIFEST); // nothing inside the grant but the manifest itself
    const viaPath = await request(a).get(`/_token/${token}/index.m3u8`).buffer(true).parse((r, cb) => {
      let d = '';
      r.on('data', (c: Buffer) => (d += c.toString()));
      r.on('end', () => cb(null, d));
    });
    expect(viaPath.body).toBe(MANIFEST);
    const head = await request(a).head(`/index.m3u8?token=${token}`);
    expect(head.headers['content-length']).toBe(String(MANIFEST.length));
  });

  it('throws at start-up on an unusable keyring or option', () => {
    expect(() => urlseal({ keyring: '{"kids":{"a":"short"}}' })).toThrow(/32 bytes|kids/);
    expect(() => urlseal({ keyring: KEYRING, trustProxy: 1.5 })).toThrow(/trustProxy/);
    expect(() => urlseal({ keyring: KEYRING, onDenied: 'html' as never })).toThrow(/onDenied/);
  });

  it('takes the client address from the N-th X-Forwarded-For entry from the right with trustProxy N', async () => {
    const token = jwt({ path: '/a.mp4', ip: '203.0.113.0/24' });
    const status = async (trustProxy: number | boolean | undefined, xff: string) => {
      const a = express();
      a.use(urlseal({ keyring: KEYRING, trustProxy }), express.static(dir));
      return (await request(a).get(`/a.mp4?token=${token}`).set('x-forwarded-for', xff)).status;
    };
    expect(await status(undefined, '203.0.113.7')).toBe(403);
    expect(await status(1, '203.0.113.7')).toBe(200);
    expect(await status(true, '203.0.113.7')).toBe(200);
    expect(await status(1, '203.0.113.7, 10.0.0.1')).toBe(403);
    expect(await status(2, '203.0.113.7, 10.0.0.1')).toBe(200);
  });

  it('hands a denial to onDenied with the denial headers set, so an app can render its own page', async () => {
    const a = express();
    a.use(
      urlseal({
        keyring: KEYRING,
        onDenied: (denial, _req, res) => {
          res.statusCode = denial.status;
          res.setHeader('content-type', 'text/html');
          res.end(`<h1>This link is not valid (${denial.code})</h1>`);
        },
      }),
      express.static(dir),
    );
    const expired = await request(a).get(`/a.mp4?token=${jwt({ path: '/a.mp4', iat: now() - 900, exp: now() - 300 })}`);
    expect(expired.status).toBe(410);
    expect(expired.headers['content-type']).toMatch(/text\/html/);
    expect(expired.headers['cache-control']).toBe('no-store');
    expect(expired.headers['x-urlseal-error']).toBe('ERR_TOKEN_EXPIRED');
    expect(expired.text).toBe('<h1>This link is not valid (ERR_TOKEN_EXPIRED)</h1>');
    const missing = await request(a).get('/a.mp4');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    // next(err) mode: the app's error handler renders it.
    const b = express();
    b.use(urlseal({ keyring: KEYRING, onDenied: (denial, _req, _res, next) => next(Object.assign(new Error(denial.code), { status: denial.status })) }));
    b.use((err: Error & { status: number }, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => {
      res.status(err.status).send(`error page: ${err.message}`);
    });
    const viaNext = await request(b).get('/a.mp4');
    expect(viaNext.status).toBe(401);
    expect(viaNext.text).toBe('error page: ERR_TOKEN_MISSING');
  });

  it('types req.urlseal.claims for handlers after it', async () => {
    const a = express();
    a.use(urlseal({ keyring: KEYRING }));
    a.get('/a.mp4', (req, res) => {
      const sub: string | undefined = req.urlseal?.claims.sub; // typed: Claims, not Record<string, unknown>
      const exp: number | undefined = req.urlseal?.claims.exp;
      res.json({ sub, exp, scheme: req.urlseal?.scheme });
    });
    const token = jwt({ path: '/a.mp4', sub: 'student-9' });
    const res = await request(a).get(`/a.mp4?token=${token}`);
    expect(res.body).toMatchObject({ sub: 'student-9', scheme: 'jwt' });
    expect(typeof res.body.exp).toBe('number');
  });
});

describe('@urlseal/edge/express: its own denials are denials like any other (issue 15)', () => {
  // Mounted where a path token stands: the granted path (/a.mp4) cannot be expressed below
  // the mount path, so the middleware denies it itself.
  it('the mount-path denial honours statuses and onDenied', async () => {
    const calls: Array<[number, string]> = [];
    const a = express5();
    a.use('/_token', urlseal({ keyring: KEYRING, statuses: { ERR_PATH_MISMATCH: 404 } }), express5.static(dir));
    const b = express5();
    b.use('/_token', urlseal({ keyring: KEYRING, onDenied: (denial, _req, res: express5.Response) => (calls.push([denial.status, denial.code]), void res.status(denial.status).send('own page')) }), express5.static(dir));
    const target = `/_token/${jwt({ path: '/*' })}/a.mp4`;
    const res = await request(a).get(target);
    expect([res.status, res.headers['x-urlseal-error']]).toEqual([404, 'ERR_PATH_MISMATCH']);
    const own = await request(b).get(target);
    expect([own.status, own.text]).toEqual([403, 'own page']);
    expect(calls).toEqual([[403, 'ERR_PATH_MISMATCH']]);
  });
});

describe('@urlseal/edge/express: the relay plan on what the next handler writes (issue 15)', () => {
  it('replaces a Referrer-Policy the handler sets, and sends a 205 without its body', async () => {
    const a = express5();
    a.use(urlseal({ keyring: KEYRING }), (req, res) => {
      if (req.path === '/reset') return void res.status(205).send('dropped');
      res.setHeader('Referrer-Policy', 'unsafe-url');
      res.writeHead(200, { 'referrer-policy': 'origin', 'content-type': 'text/plain' }).end('kept');
    });
    const token = jwt({ path: '/*' });
    const ok = await request(a).get(`/a.txt?token=${token}`);
    expect([ok.status, ok.text, ok.headers['referrer-policy']]).toEqual([200, 'kept', 'no-referrer']);
    const reset = await request(a).get(`/reset?token=${token}`);
    expect([reset.status, reset.headers['content-length'], reset.text]).toEqual([205, '0', '']);
  });
});
