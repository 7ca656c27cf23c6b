import { describe, expect, it } from 'vitest';
import { DENIAL_STATUS, UrlsealError, createKeyring } from '../src/contract/index.js';
import { computeSecureToken } from '../src/contract/secure-token.js';
import { NOW, SECRET, ST_SECRET, asymmetricKeys, b64, backends, claims, currentDate, hs256, keyringJson, signAsymmetric } from './helpers.js';

const url = (path: string) => `https://cdn.test${path}`;

describe.each(backends)('createVerifier (%s backend)', (_name, createVerifier) => {
  const verifier = createVerifier({ keyring: keyringJson, currentDate });
  const verify = (path: string, init?: RequestInit, opts?: { clientIp?: string; rawPath?: string }) =>
    verifier.verify(new Request(url(path), init), opts);
  const token = hs256(claims());

  describe('options', () => {
    it('validates every option with a TypeError naming it', () => {
      const bad: Array<[string, Record<string, unknown>]> = [
        ['keyring', {}],
        ['keyring', { keyring: 42 }],
        ['maxTtl', { keyring: keyringJson, maxTtl: -1 }],
        ['maxTtl', { keyring: keyringJson, maxTtl: '60' }],
        ['clockTolerance', { keyring: keyringJson, clockTolerance: Number.NaN }],
        ['audience', { keyring: keyringJson, audience: [] }],
        ['issuer', { keyring: keyringJson, issuer: 7 }],
        ['algorithms', { keyring: keyringJson, algorithms: ['none'] }],
        ['statuses', { keyring: keyringJson, statuses: { ERR_NOPE: 401 } }],
        ['statuses', { keyring: keyringJson, statuses: { ERR_TOKEN_EXPIRED: 200 } }],
        ['preset', { keyring: keyringJson, preset: 'akamai' }],
        ['params', { keyring: keyringJson, params: { token: 'a b' } }],
        ['params', { keyring: keyringJson, params: { tokn: 'x' } }],
        ['params', { keyring: keyringJson, params: { token: 'st' } }],
        ['currentDate', { keyring: keyringJson, currentDate: 'now' }],
        ['currentDate', { keyring: keyringJson, currentDate: new Date(Number.NaN) }],
        ['maxTTL', { keyring: keyringJson, maxTTL: 60 }],
        ['cors', { keyring: keyringJson, cors: 'https://app.example' }],
        ['cors', { keyring: keyringJson, cors: ['https://app.example/path'] }],
        ['cors', { keyring: keyringJson, cors: [] }],
      ];
      for (const [name, options] of bad) {
        expect(() => createVerifier(options as never), name).toThrow(TypeError);
        expect(() => createVerifier(options as never), name).toThrow(name);
      }
      expect(() => createVerifier(undefined as never)).toThrow(TypeError);
    });

    it('takes a cors origin only as a browser sends it in Origin, naming the spelling to use (issue 20)', () => {
      const wrote = (origin: string) => () => createVerifier({ keyring: keyringJson, cors: [origin] });
      for (const [given, written] of [
        ['https://APP.example', 'https://app.example'],
        ['HTTPS://app.example', 'https://app.example'],
        ['https://app.example:443', 'https://app.example'],
        ['http://app.example:80', 'http://app.example'],
        ['https://app.example/', 'https://app.example'],
        ['https://[::1]:443', 'https://[::1]'],
      ]) {
        expect(wrote(given as string), given).toThrow(
          `createVerifier: option "cors" entry 1 is not spelled as a browser sends Origin: write ${JSON.stringify(written)} (lower case, no default port, no trailing slash)`,
        );
      }
      for (const given of ['https://app.example/player', 'https://app.example?x', 'https://u:p@app.example', 'ftp://app.example', 'app.example', 'null']) {
        expect(wrote(given), given).toThrow(/^createVerifier: option "cors" entry 1 is not an origin: write scheme, host and optional port only/);
      }
      for (const given of ['https://app.example', 'http://localhost:8080', 'https://[::1]:8443', 'https://a-b.example:444']) {
        expect(wrote(given), given).not.toThrow();
      }
      // The entry is named by its place, never echoed (a secret pasted into the wrong flag stays unprinted).
      expect(() => createVerifier({ keyring: keyringJson, cors: ['https://app.example', 'https://Secret-Value.example/x'] })).toThrow(/^createVerifier: option "cors" entry 2 is not an origin/);
    });

    it('accepts a Keyring, keyring JSON or JSON text; an invalid keyring throws ERR_KEYRING_INVALID', async () => {
      for (const keyring of [createKeyring(keyringJson), keyringJson, JSON.stringify(keyringJson)]) {
        expect((await createVerifier({ keyring, currentDate }).verifyToken(token, '/videos/course-1/a.ts')).ok).toBe(true);
      }
      expect(() => createVerifier({ keyring: { kids: { k: 'short' } } })).toThrow(UrlsealError);
    });
  });

  describe('SPEC §7 order and codes', () => {
    it('grants a valid token and strips every carrier', async () => {
      const result = await verify(`/_token/${token}/videos/course-1/a.ts?x=1&token=zz&st=a&e=b&y=2`, {
        headers: { authorization: 'Bearer other', cookie: 'sid=9; urlseal=zzz' },
      });
      expect(result).toMatchObject({ ok: true, scheme: 'jwt', claims: { exp: NOW + 600 } });
      if (!result.ok) return;
      expect(result.forward.url).toBe(url('/videos/course-1/a.ts?x=1&y=2'));
      expect(result.forward.headers.get('authorization')).toBeNull();
      expect(result.forward.headers.get('cookie')).toBe('sid=9');
      expect(result.forward.method).toBe('GET');
    });

    it('checks the method first: 405', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
        expect(await verify('/a//b', { method })).toMatchObject({ ok: false, code: 'ERR_METHOD_NOT_ALLOWED', status: 405 });
      }
      expect((await verify(`/videos/course-1/a.ts?token=${token}`, { method: 'HEAD' })).ok).toBe(true);
    });

    it('checks the canonical path before the token', async () => {
      for (const raw of ['/a//b', '/a/%2e%2e/b', '/a/%2E./b', '/a/%2fb', '/a/%5cb', '/a/%25', '/a;b', '/a/%00', '/a/%ff', '/a/.']) {
        expect(await verify('/x', {}, { rawPath: raw }), raw).toMatchObject({ code: 'ERR_PATH_NONCANONICAL', status: 403 });
      }
      expect(await verify('/x?token=a&token=b', {}, { rawPath: '/a/../b?token=a&token=b' })).toMatchObject({ code: 'ERR_PATH_NONCANONICAL' });
      // The whole request path counts: an empty token segment is an empty path segment.
      expect(await verify('/_token//videos/a.mp4')).toMatchObject({ code: 'ERR_PATH_NONCANONICAL', status: 403 });
      expect(await verify('/x', {}, { rawPath: `/_token/${token}/videos/%2e%2e/x` })).toMatchObject({ code: 'ERR_PATH_NONCANONICAL' });
    });

    it('answers ERR_TOKEN_MISSING with no source', async () => {
      expect(await verify('/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_TOKEN_MISSING', status: 401 });
      expect(await verify('/videos/course-1/a.ts', { headers: { authorization: 'Basic dTpw' } })).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    });

    it('answers ERR_TOKEN_MALFORMED for bad shape, size and duplicate sources', async () => {
      const big = hs256(claims({ pad: 'x'.repeat(4000) }));
      for (const path of ['/v/a?token=abc', `/v/a?token=${token}&token=${token}`, `/v/a?token=${token}&st=x&e=1`, '/v/a?st=x',
        `/v/a?token=${big}`, '/v/a?token=a.b.c', `/v/a?token=${token}%20`, '/v/a?st=m6WCATfRgS_5lcyChCPgrw&e=12345']) {
        expect(await verify(path), path).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', status: 401 });
      }
      expect(await verify('/v/a', { headers: { authorization: 'Bearer' } })).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
      // No fallback: a malformed query token is not rescued by a good Bearer.
      expect(await verify('/videos/course-1/a.ts?token=x', { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    });

    it('answers ERR_KID_UNKNOWN for a missing, unknown or prototype kid', async () => {
      for (const kid of [undefined, 'nope', '__proto__', 'constructor', 'toString', 1, ['k1']]) {
        const t = hs256(claims(), { alg: 'HS256', kid });
        expect(await verifier.verifyToken(t, '/videos/course-1/a.ts'), String(kid)).toMatchObject({ code: 'ERR_KID_UNKNOWN', status: 401 });
      }
    });

    it('answers ERR_ALG_NOT_ALLOWED when alg differs from the keyring (none, any spelling)', async () => {
      for (const alg of ['none', 'None', 'NONE', 'nOnE', 'HS384', 'HS512', 'RS256', 'ES256', 'hs256', '', undefined, null]) {
        const t = `${b64({ alg, kid: 'k1' })}.${b64(claims())}.${alg === 'HS256' ? 'x' : 'AAAA'}`;
        expect(await verifier.verifyToken(t, '/videos/course-1/a.ts'), String(alg)).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
      }
      const restricted = createVerifier({ keyring: keyringJson, currentDate, algorithms: ['ES256'] });
      expect(await restricted.verifyToken(token, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
    });

    it('answers ERR_SIGNATURE_INVALID (403) for a wrong key or tampered payload, before time and claims', async () => {
      expect(await verifier.verifyToken(hs256(claims(), undefined, 'w'.repeat(40)), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID', status: 403 });
      const [h, , s] = token.split('.');
      const tampered = `${h}.${b64(claims({ path: '/*' }))}.${s}`;
      expect(await verifier.verifyToken(tampered, '/other')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
      const expiredForged = hs256(claims({ exp: 1 }), undefined, 'w'.repeat(40));
      expect(await verifier.verifyToken(expiredForged, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
      const badClaimForged = hs256({ exp: '1' }, undefined, 'w'.repeat(40));
      expect(await verifier.verifyToken(badClaimForged, '/x')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
      // An empty signature is valid base64url of zero bytes: a bad signature, not a malformed token.
      expect(await verifier.verifyToken(`${h}.${token.split('.')[1]}.`, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID', status: 403 });
      expect(await verifier.verifyToken(`${b64({ alg: 'none', kid: 'k1' })}.${token.split('.')[1]}.`, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
      // A signature of the wrong length is a bad signature, not a crash.
      expect(await verifier.verifyToken(`${h}.${token.split('.')[1]}.AAAA`, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    });

    it('answers ERR_TOKEN_EXPIRED (410) with a 30 s leeway, only after the signature', async () => {
      expect((await verifier.verifyToken(hs256(claims({ exp: NOW - 29 })), '/videos/course-1/a.ts')).ok).toBe(true);
      expect(await verifier.verifyToken(hs256(claims({ exp: NOW - 30 })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', status: 410 });
      const tight = createVerifier({ keyring: keyringJson, currentDate, clockTolerance: 0 });
      expect(await tight.verifyToken(hs256(claims({ exp: NOW })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    });

    it('answers ERR_CLAIM_INVALID for mistyped claims, exp beyond maxTtl, future nbf/iat', async () => {
      for (const extra of [{ exp: '123' }, { exp: 1.5 }, { exp: undefined }, { exp: NOW + 86401 }, { nbf: NOW + 60 }, { iat: NOW + 60 },
        { path: undefined }, { path: 42 }, { ip: '300.1.1.1' }, { sub: 5 }]) {
        expect(await verifier.verifyToken(hs256(claims(extra)), '/videos/course-1/a.ts'), JSON.stringify(extra)).toMatchObject({ code: 'ERR_CLAIM_INVALID', status: 401 });
      }
      const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64('{"exp":1e400,"path":"/a"}')}`;
      const { createHmac } = await import('node:crypto');
      const t = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
      expect(await verifier.verifyToken(t, '/a')).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
      const short = createVerifier({ keyring: keyringJson, currentDate, maxTtl: 60 });
      expect(await short.verifyToken(hs256(claims({ exp: NOW + 61 })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
    });

    it('checks aud and iss when configured', async () => {
      const strict = createVerifier({ keyring: keyringJson, currentDate, audience: ['lms', 'app'], issuer: 'origin' });
      expect((await strict.verifyToken(hs256(claims({ aud: 'app', iss: 'origin' })), '/videos/course-1/a.ts')).ok).toBe(true);
      expect(await strict.verifyToken(hs256(claims({ iss: 'origin' })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
      expect(await strict.verifyToken(hs256(claims({ aud: 'lms', iss: 'evil' })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_CLAIM_INVALID' });
    });

    it('answers ERR_PATH_MISMATCH on segment boundaries, byte for byte', async () => {
      for (const path of ['/videos/course-10/a.ts', '/videos/course-1', '/videos/Course-1/a.ts', '/other']) {
        expect(await verify(`${path}?token=${token}`), path).toMatchObject({ code: 'ERR_PATH_MISMATCH', status: 403 });
      }
      const exact = hs256(claims({ path: ['/cursos/aula-ção/vídeo.mp4'] }));
      expect((await verify(`/cursos/aula-%C3%A7%C3%A3o/v%C3%ADdeo.mp4?token=${exact}`)).ok).toBe(true);
      expect(await verify(`/cursos/aula-c%CC%A7%C3%A3o/v%C3%ADdeo.mp4?token=${exact}`)).toMatchObject({ code: 'ERR_PATH_MISMATCH' });
    });

    it('answers ERR_IP_MISMATCH when the client is outside the ip claim or unknown', async () => {
      const bound = hs256(claims({ ip: '203.0.113.0/24' }));
      const path = `/videos/course-1/a.ts?token=${bound}`;
      expect((await verify(path, {}, { clientIp: '203.0.113.7' })).ok).toBe(true);
      expect((await verify(path, {}, { clientIp: '::ffff:203.0.113.7' })).ok).toBe(true);
      expect(await verify(path, {}, { clientIp: '198.51.100.1' })).toMatchObject({ code: 'ERR_IP_MISMATCH', status: 403 });
      expect(await verify(path)).toMatchObject({ code: 'ERR_IP_MISMATCH' });
      expect(await verify(path, { headers: { 'x-forwarded-for': '203.0.113.7' } })).toMatchObject({ code: 'ERR_IP_MISMATCH' });
      const v6 = hs256(claims({ ip: '2001:db8::/32' }));
      expect((await verifier.verifyToken(v6, '/videos/course-1/a.ts', { clientIp: '2001:db8::1' })).ok).toBe(true);
    });
  });

  describe('statuses and presets', () => {
    it('lets statuses override SPEC §7, and cloudfront answer 401 everywhere', async () => {
      const custom = createVerifier({ keyring: keyringJson, currentDate, statuses: { ERR_TOKEN_EXPIRED: 403, ERR_METHOD_NOT_ALLOWED: 404 } });
      expect(await custom.verifyToken(hs256(claims({ exp: NOW - 100 })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', status: 403 });
      expect(await custom.verify(new Request(url('/a'), { method: 'POST' }))).toMatchObject({ status: 404 });
      const cf = createVerifier({ keyring: keyringJson, currentDate, preset: 'cloudfront' });
      expect(await cf.verifyToken(hs256(claims({ exp: NOW - 100 })), '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', status: 401 });
      expect(await cf.verify(new Request(url('/a//b')))).toMatchObject({ code: 'ERR_PATH_NONCANONICAL', status: 401 });
      const cfOverride = createVerifier({ keyring: keyringJson, preset: 'cloudfront', statuses: { ERR_PATH_MISMATCH: 403 } });
      expect(await cfOverride.verifyToken(hs256(claims()), '/nope')).toMatchObject({ status: expect.any(Number) });
      expect(DENIAL_STATUS.ERR_TOKEN_EXPIRED).toBe(410);
    });
  });

  describe('carriers', () => {
    it('verifies the /_token/<jwt>/ segment and forwards /<rest> with the raw path', async () => {
      const result = await verify(`/_token/${token}/videos/course-1/hls/seg%201.ts?q=1&token=junk`);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.forward.url).toBe(url('/videos/course-1/hls/seg%201.ts?q=1'));
    });

    it('verifies Bearer and cookie tokens and removes them', async () => {
      const bearer = await verify('/videos/course-1/a.ts', { headers: { authorization: `Bearer ${token}` } });
      expect(bearer.ok && bearer.forward.headers.get('authorization')).toBeNull();
      const cookie = await verify('/videos/course-1/a.ts', { headers: { cookie: `urlseal=${token}` } });
      expect(cookie.ok && cookie.forward.headers.get('cookie')).toBeNull();
      const basic = await verify(`/videos/course-1/a.ts?token=${token}`, { headers: { authorization: 'Basic dTpw' } });
      expect(basic.ok && basic.forward.headers.get('authorization')).toBe('Basic dTpw');
    });

    it('honours configured carrier names', async () => {
      const named = createVerifier({ keyring: keyringJson, currentDate, params: { token: 'auth', cookie: 'sess', pathSegment: 'sig' } });
      expect((await named.verify(new Request(url(`/videos/course-1/a.ts?auth=${token}`)))).ok).toBe(true);
      expect((await named.verify(new Request(url(`/sig/${token}/videos/course-1/a.ts`)))).ok).toBe(true);
      expect(await named.verify(new Request(url(`/videos/course-1/a.ts?token=${token}`)))).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
    });

    it('verifies secure-token requests on the canonical decoded path', async () => {
      const st = computeSecureToken(ST_SECRET, '/videos/my lesson.mp4', NOW + 60);
      const result = await verify(`/videos/my%20lesson.mp4?a=1&st=${st}&e=${NOW + 60}`);
      expect(result).toMatchObject({ ok: true, scheme: 'secure-token', claims: { exp: NOW + 60 } });
      if (result.ok) expect(result.forward.url).toBe(url('/videos/my%20lesson.mp4?a=1'));
    });
  });

  describe('decide(view)', () => {
    it('checks the raw target and gives the carrier-free target to forward', async () => {
      const view = {
        method: 'GET',
        target: `/videos/course-1/a.ts?token=${token}&k=v`,
        header: (name: string) => ({ cookie: 'a=1; urlseal=x', authorization: 'Bearer y' } as Record<string, string>)[name],
      };
      expect(await verifier.decide(view)).toEqual({
        ok: true,
        scheme: 'jwt',
        claims: claims(),
        path: '/videos/course-1/a.ts',
        target: '/videos/course-1/a.ts?k=v',
        manifest: { token, grant: ['/videos/course-1/*'] },
      });
      expect(await verifier.decide({ ...view, method: 'HEAD' })).toMatchObject({ ok: true, manifest: undefined });
      expect(await verifier.decide({ ...view, target: '/videos/course-1/../x?token=t' })).toMatchObject({ code: 'ERR_PATH_NONCANONICAL' });
      expect(await verifier.decide({ ...view, method: 'POST' })).toMatchObject({ code: 'ERR_METHOD_NOT_ALLOWED' });
    });

    it('reads an absolute-form target as its path and query', async () => {
      const view = { method: 'GET', target: `http://cdn.test/videos/course-1/a.ts?token=${token}&k=v`, header: () => undefined };
      expect(await verifier.decide(view)).toMatchObject({ ok: true, path: '/videos/course-1/a.ts', target: '/videos/course-1/a.ts?k=v' });
    });

    it('names the failed check in detail, for logs only', async () => {
      const expired = hs256(claims({ exp: NOW - 100 }));
      const decide = (target: string) => verifier.decide({ method: 'GET', target, header: () => undefined });
      expect(await decide(`/videos/course-1/a.ts?token=${expired}`)).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', detail: 'exp' });
      expect(await decide(`/videos/course-1/a.ts?token=${hs256(claims({ nbf: NOW + 999 }))}`)).toMatchObject({ code: 'ERR_CLAIM_INVALID', detail: 'nbf' });
      expect(await decide(`/videos/other/a.ts?token=${token}`)).toMatchObject({ code: 'ERR_PATH_MISMATCH', detail: 'path' });
    });
  });

  describe('fail closed', () => {
    it('answers a broken clock as a server fault (503), a throwing header getter as a denial', async () => {
      const broken = createVerifier({ keyring: keyringJson, currentDate: () => { throw new Error('boom'); } });
      expect(await broken.verifyToken(token, '/videos/course-1/a.ts')).toMatchObject({ ok: false, status: 503, code: 'ERR_KEYRING_UNAVAILABLE', detail: 'clock' });
      const invalid = createVerifier({ keyring: keyringJson, currentDate: () => new Date(Number.NaN) });
      expect(await invalid.verifyToken(token, '/videos/course-1/a.ts')).toMatchObject({ ok: false, status: 503, code: 'ERR_KEYRING_UNAVAILABLE' });
      const notADate = createVerifier({ keyring: keyringJson, currentDate: (() => 'now') as never });
      expect(await notADate.verify(new Request(url(`/videos/course-1/a.ts?token=${token}`)))).toMatchObject({ status: 503 });
      const st = computeSecureToken(ST_SECRET, '/videos/a.mp4', NOW + 60);
      expect(await invalid.verify(new Request(url(`/videos/a.mp4?st=${st}&e=${NOW + 60}`)))).toMatchObject({ status: 503 });
      const view = { method: 'GET', target: '/a', header: () => { throw new Error('boom'); } };
      expect(await verifier.decide(view)).toMatchObject({ ok: false, code: 'ERR_TOKEN_MALFORMED' });
      expect(await verifier.verifyToken(42 as never, '/a')).toMatchObject({ ok: false });
      expect(await verifier.verifyToken(token, '/a/../b')).toMatchObject({ code: 'ERR_PATH_NONCANONICAL' });
    });
  });

  describe('asymmetric keys', () => {
    const { es, ed } = asymmetricKeys();
    const asym = createVerifier({ keyring: { keys: [es.jwk, ed.jwk] }, currentDate });

    it('verifies ES256 and EdDSA with public keys only', async () => {
      expect((await asym.verifyToken(signAsymmetric('ES256', 'p1', es.priv, claims()), '/videos/course-1/a.ts')).ok).toBe(true);
      expect((await asym.verifyToken(signAsymmetric('EdDSA', 'e1', ed.priv, claims()), '/videos/course-1/a.ts')).ok).toBe(true);
    });

    it('refuses a key confusion: HS256 signed with the public key, or the other curve', async () => {
      const confused = hs256(claims(), { alg: 'HS256', kid: 'p1' }, JSON.stringify(es.jwk));
      expect(await asym.verifyToken(confused, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
      const swapped = signAsymmetric('EdDSA', 'p1', ed.priv, claims());
      expect(await asym.verifyToken(swapped, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' });
      const wrongKey = signAsymmetric('ES256', 'p1', asymmetricKeys().es.priv, claims());
      expect(await asym.verifyToken(wrongKey, '/videos/course-1/a.ts')).toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    });
  });
});
