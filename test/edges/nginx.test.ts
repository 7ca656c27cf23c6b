// nginx (njs) beyond the hostile table: what the build and nginx add (kids named like
// Object.prototype members, the generated config with a protected prefix, headers
// nginx passes on, the origin's own Referrer-Policy, the build's refusals). Real nginx
// with libnginx-mod-http-js, started by test/hostile/nginx-runtime.ts.
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNginxModule } from '@urlseal/edge/build';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../hostile/http.js';
import { hs256 } from '../interop/helpers.js';
import { startNginx, type RunningNginx } from '../hostile/nginx-runtime.js';
import { NJS } from '../hostile/njs-runtime.js';

const NOW = 1_900_000_000;
const SECRET = 'nginx-edge-test-secret-0123456789abcdef';

function jwt(kid: string, claims: Record<string, unknown>, secret = SECRET): string {
  return hs256(secret, kid, { exp: NOW + 300, iat: NOW, ...claims });
}

let origin: Server;
let originUrl = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
const running: RunningNginx[] = [];

beforeAll(async () => {
  origin = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain', 'referrer-policy': 'unsafe-url' });
    res.end('origin');
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const nginx of running) await nginx.stop();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
});

async function nginxWith(keyring: string, location?: string): Promise<RunningNginx> {
  const nginx = await startNginx({ keyring, origin: originUrl, location }, NOW * 1000);
  running.push(nginx);
  return nginx;
}

describe('nginx (njs)', () => {
  it('resolves only the kids the keyring has, also kids named like Object.prototype members', async () => {
    // JSON text: an object literal's `__proto__:` would set a prototype, not name a kid.
    const nginx = await nginxWith(`{"kids":{"__proto__":"${SECRET}","constructor":"${SECRET}"}}`);
    for (const kid of ['__proto__', 'constructor']) {
      const answer = await sendRaw(nginx.port, { method: 'GET', url: `/v/a.mp4?token=${jwt(kid, { path: '/v/a.mp4' })}`, headers: {} });
      expect(answer.status, kid).toBe(200);
    }
    for (const kid of ['toString', 'hasOwnProperty', 'valueOf']) {
      const answer = await sendRaw(nginx.port, { method: 'GET', url: `/v/a.mp4?token=${jwt(kid, { path: '/v/a.mp4' })}`, headers: {} });
      expect({ status: answer.status, code: answer.headers['x-urlseal-error'] }, kid).toEqual({ status: 401, code: 'ERR_KID_UNKNOWN' });
    }
  });

  it('verifies the protected prefix and /_token/ paths; forwards the origin Host, other Authorization schemes and cookies, never the token', async () => {
    const nginx = await nginxWith(JSON.stringify({ kids: { k1: SECRET } }), '/videos/');
    const token = jwt('k1', { path: '/videos/*' });
    seen.length = 0;
    const granted = await sendRaw(nginx.port, {
      method: 'GET',
      url: `/videos/a.mp4?x=1&token=${token}`,
      headers: { Authorization: 'Basic dXNlcjpwdw==', Cookie: `a=1; urlseal=${token}; b=2` },
    });
    expect(granted.status).toBe(200);
    // The origin's own policy is replaced: the token in the page URL stays on this site.
    expect(granted.headers['referrer-policy']).toBe('no-referrer');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: '/videos/a.mp4?x=1', headers: { host: new URL(originUrl).host, authorization: 'Basic dXNlcjpwdw==', cookie: 'a=1; b=2' } });
    const viaPath = await sendRaw(nginx.port, { method: 'GET', url: `/_token/${token}/videos/b.mp4`, headers: {} });
    expect(viaPath.status).toBe(200);
    expect(seen[1]?.url).toBe('/videos/b.mp4');
    expect(seen[1]?.headers.authorization).toBeUndefined();
    expect(seen[1]?.headers.cookie).toBeUndefined();
    const missing = await sendRaw(nginx.port, { method: 'GET', url: '/videos/c.mp4', headers: {} });
    expect({ status: missing.status, code: missing.headers['x-urlseal-error'] }).toEqual({ status: 401, code: 'ERR_TOKEN_MISSING' });
    // Outside the protected prefix nginx answers as it is configured (here: nothing there).
    const outside = await sendRaw(nginx.port, { method: 'GET', url: '/public/a.txt', headers: {} });
    expect(outside.headers['x-urlseal-error']).toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  it('writes an access log without any token, in every spelling, also for what nginx refuses itself (issue 20)', async () => {
    const nginx = await nginxWith(JSON.stringify({ kids: { k1: SECRET } }), '/videos/');
    const token = jwt('k1', { path: '/videos/*' });
    const signature = token.split('.')[2] as string;
    const requests: [string, Record<string, string>, number][] = [
      [`/videos/a.mp4?x=1&token=${token}`, {}, 200],
      [`/_token/${token}/videos/b.mp4`, {}, 200],
      [`/%5Ftoken/${token}/videos/c.mp4?y=2`, {}, 200],
      [`/videos/d.mp4?%74oken=${token}`, {}, 200],
      [`/videos/e.mp4?token=${token}x`, {}, 403], // a bad signature: denied, still never logged
      [`/videos/f.mp4?token=${token}`, { Referer: `https://app.example/watch?token=${token}` }, 200],
      [`/public/g.txt?token=${token}`, {}, 404], // outside the protected prefix
      [`/_token/${token}/videos/%00`, {}, 400], // nginx answers this before the module runs
    ];
    for (const [url, headers, status] of requests) {
      const answer = await sendRaw(nginx.port, { method: 'GET', url, headers });
      expect(answer.status, url).toBe(status);
    }
    // nginx writes a request's log line after its answer: wait for the last one rather than race it.
    const lines = () => (existsSync(nginx.accessLog) ? readFileSync(nginx.accessLog, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    for (const deadline = Date.now() + 5000; lines() < requests.length && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    const log = readFileSync(nginx.accessLog, 'utf8');
    const httpLog = existsSync(nginx.httpAccessLog) ? readFileSync(nginx.httpAccessLog, 'utf8') : '';
    expect(log.trim().split('\n')).toHaveLength(requests.length);
    expect(log + httpLog).not.toContain(signature);
    expect(httpLog).toBe(''); // the server snippet's own log replaced the stock combined one
    expect(log).toContain('"GET /videos/a.mp4?x=1&token=- HTTP/1.1" 200');
    expect(log).toContain('"GET /_token/-/videos/b.mp4 HTTP/1.1" 200');
    expect(log).toContain('"GET /%5Ftoken/-/videos/c.mp4?y=2 HTTP/1.1" 200');
    expect(log).toContain('"GET /videos/d.mp4?%74oken=- HTTP/1.1" 200');
  });

  it('checks geo claims against $urlseal_country, here from nginx\'s own geo module by address (issue 19)', async () => {
    // 127.0.0.1 is "br" (any case is read as the code), 127.0.0.2 would be unknown ("XX").
    const nginx = await startNginx({ keyring: JSON.stringify({ kids: { k1: SECRET } }), origin: originUrl }, NOW * 1000, 'geo $urlseal_country { default XX; 127.0.0.1 br; }');
    running.push(nginx);
    const get = async (claims: Record<string, unknown>) => {
      const answer = await sendRaw(nginx.port, { method: 'GET', url: `/v/a.mp4?token=${jwt('k1', { path: '/v/*', ...claims })}`, headers: {} });
      return { status: answer.status, code: answer.headers['x-urlseal-error'] };
    };
    expect(await get({ geo: { allow: ['BR'] } })).toEqual({ status: 200, code: undefined });
    expect(await get({ geo: { block: ['PT'] } })).toEqual({ status: 200, code: undefined });
    expect(await get({ geo: { allow: ['PT'] } })).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get({ geo: { block: ['BR'] } })).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(await get({ geo: { allow: ['br'] } })).toEqual({ status: 401, code: 'ERR_CLAIM_INVALID' });
    expect(await get({ geo: ['BR'] })).toEqual({ status: 401, code: 'ERR_CLAIM_INVALID' });
    expect(await get({})).toEqual({ status: 200, code: undefined });
    const unknown = await startNginx({ keyring: JSON.stringify({ kids: { k1: SECRET } }), origin: originUrl }, NOW * 1000, 'geo $urlseal_country { default XX; }');
    running.push(unknown);
    const answer = await sendRaw(unknown.port, { method: 'GET', url: `/v/a.mp4?token=${jwt('k1', { path: '/v/*', geo: { block: ['US'] } })}`, headers: {} });
    expect({ status: answer.status, code: answer.headers['x-urlseal-error'] }).toEqual({ status: 403, code: 'ERR_GEO_MISMATCH' });
  });

  it('answers every denial 401 with the cloudfront preset', async () => {
    const nginx = await startNginx({ keyring: JSON.stringify({ kids: { k1: SECRET } }), origin: originUrl, preset: 'cloudfront' }, NOW * 1000);
    running.push(nginx);
    const answer = await sendRaw(nginx.port, { method: 'GET', url: `/v/a.mp4?token=${jwt('k1', { path: '/other/*' })}`, headers: {} });
    expect({ status: answer.status, code: answer.headers['x-urlseal-error'] }).toEqual({ status: 401, code: 'ERR_PATH_MISMATCH' });
  });
});

describe('buildNginxModule', () => {
  const keyring = { kids: { k1: SECRET } };
  const dir = '/etc/nginx/urlseal';

  it('writes an https origin with SNI, and one location for "/"', () => {
    const { files } = buildNginxModule({ keyring, origin: 'https://media.example', dir });
    expect(files['urlseal.http.conf']).toContain('server media.example:443;');
    expect(files['urlseal.server.conf']).toContain('proxy_pass https://urlseal_origin$urlseal_target;');
    expect(files['urlseal.server.conf']).toContain('proxy_ssl_name media.example;');
    expect(files['urlseal.server.conf']).toContain('proxy_set_header Host media.example;');
    expect(files['urlseal.server.conf']).not.toContain('location /_token/');
  });

  it('notes the kids njs cannot verify', () => {
    const { notes } = buildNginxModule({
      keyring: { kids: { k1: SECRET }, keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] },
      origin: 'http://127.0.0.1:8080',
      dir,
    });
    expect(notes).toEqual(['kid "e1" (EdDSA): nginx (njs) cannot verify EdDSA; its tokens answer 401 ERR_ALG_NOT_ALLOWED']);
  });

  it.each([
    [{ keyring, origin: 'http://127.0.0.1:8080/base', dir }, /option "origin" must be http:\/\/ or https:\/\//],
    [{ keyring, origin: 'ftp://x', dir }, /option "origin" must be/],
    [{ keyring, origin: 'http://127.0.0.1:8080', dir, location: 'videos/' }, /option "location" must be a path prefix/],
    [{ keyring, origin: 'http://127.0.0.1:8080', dir, location: '/a b/' }, /option "location" must be a path prefix/],
    [{ keyring, origin: 'http://127.0.0.1:8080', dir: 'relative' }, /the folder \(dir\) must be an absolute path/],
    [{ keyring, origin: 'http://127.0.0.1:8080', dir: '/x";evil' }, /the folder \(dir\) must be an absolute path/],
    [{ origin: 'http://127.0.0.1:8080', dir }, /a keyring is required/],
    [
      { keyring: { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] }, origin: 'http://127.0.0.1:8080', dir },
      /nginx \(njs\) verifies HS256, RS256 and PS256 JWTs and secure-token, and this keyring holds none of them/,
    ],
  ])('refuses %j', (options, message) => {
    expect(() => buildNginxModule(options as Parameters<typeof buildNginxModule>[0])).toThrow(message);
  });
});

// RS256 and PS256 in njs (issue 19): the build converts each RSA JWK to SPKI DER, njs's
// WebCrypto imports it once and verifies. Tokens signed by jose; the same rules as every
// other edge (docs/spec.md §9 "RSA keys and JWK Sets").
describe('nginx (njs): RS256 and PS256', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const big = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const pub = rsa.publicKey.export({ format: 'jwk' });
  const keyring = JSON.stringify({
    keys: [
      { ...pub, kid: 'r1', alg: 'RS256' },
      { ...pub, kid: 'r2', alg: 'PS256' },
      { ...big.publicKey.export({ format: 'jwk' }), kid: 'r4k', alg: 'PS256' },
    ],
  });
  let nginx: RunningNginx;
  const sign = async (alg: 'RS256' | 'PS256', kid: string, claims: Record<string, unknown> = {}, key = rsa.privateKey) =>
    new SignJWT({ iat: NOW, exp: NOW + 300, path: '/v/*', ...claims }).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
  const get = async (token: string, path = '/v/a.mp4') => {
    const answer = await sendRaw(nginx.port, { method: 'GET', url: `${path}?token=${token}`, headers: {} });
    return { status: answer.status, code: answer.headers['x-urlseal-error'] };
  };
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  beforeAll(async () => {
    nginx = await nginxWith(keyring);
  });

  it('builds a keyring of RSA keys only, with no note for them (njs verifies them)', () => {
    const { files, notes } = buildNginxModule({ keyring, origin: 'http://127.0.0.1:8080', dir: '/etc/nginx/urlseal' });
    expect(notes).toEqual([]);
    const spki = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64url');
    expect(files['urlseal.js']).toContain(JSON.stringify(['r1', spki, pub.n!.length, 'RS256']));
  });

  it('grants RS256 and PS256 tokens signed by jose, also with a 4096-bit key', async () => {
    expect(await get(await sign('RS256', 'r1'))).toEqual({ status: 200, code: undefined });
    expect(await get(await sign('PS256', 'r2'))).toEqual({ status: 200, code: undefined });
    expect(await get(await sign('PS256', 'r4k', {}, big.privateKey))).toEqual({ status: 200, code: undefined });
    // Many at once: every request reuses the key imported once.
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => sign(i % 2 === 0 ? 'RS256' : 'PS256', i % 2 === 0 ? 'r1' : 'r2')));
    const answers = await Promise.all(tokens.map((token) => get(token)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  });

  it('denies a tampered signature or payload, another path, an expired token', async () => {
    for (const [alg, kid] of [['RS256', 'r1'], ['PS256', 'r2']] as const) {
      const token = await sign(alg, kid);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      expect(await get(`${header}.${payload}.${flipped}`), `${alg} signature`).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
      expect(await get(`${header}.${enc({ iat: NOW, exp: NOW + 300, path: '/*' })}.${signature}`), `${alg} payload`).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
      expect(await get(token, '/w/a.mp4'), `${alg} path`).toEqual({ status: 403, code: 'ERR_PATH_MISMATCH' });
      expect(await get(await sign(alg, kid, { iat: NOW - 600, exp: NOW - 300 })), `${alg} expired`).toEqual({ status: 410, code: 'ERR_TOKEN_EXPIRED' });
    }
  });

  it('holds PS256 to a 32-byte salt and the signature to the modulus length', async () => {
    const input = `${enc({ alg: 'PS256', kid: 'r2', typ: 'JWT' })}.${enc({ iat: NOW, exp: NOW + 300, path: '/v/*' })}`;
    const pss = (saltLength: number) =>
      `${input}.${signBytes('sha256', Buffer.from(input), { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString('base64url')}`;
    expect(await get(pss(32))).toEqual({ status: 200, code: undefined });
    expect(await get(pss(20))).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    expect(await get(pss(222))).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' }); // the largest salt a 2048-bit key allows
    // A 4096-bit signature under the 2048-bit kid, and a 2048-bit one under the 4096-bit kid.
    expect(await get(await sign('PS256', 'r2', {}, big.privateKey))).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
    expect(await get(await sign('PS256', 'r4k'))).toEqual({ status: 403, code: 'ERR_SIGNATURE_INVALID' });
  });

  it('never checks an RSA kid with HMAC, nor with the other RSA scheme (alg confusion)', async () => {
    const claims = { iat: NOW, exp: NOW + 300, path: '/v/*' };
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const der = rsa.publicKey.export({ format: 'der', type: 'spki' }).toString('latin1');
    for (const [token, name] of [
      [hs256(pem, 'r1', claims), 'HS256 keyed with the PEM'],
      [hs256(der, 'r1', claims), 'HS256 keyed with the DER'],
      [hs256(JSON.stringify({ ...pub, kid: 'r1', alg: 'RS256' }), 'r1', claims), 'HS256 keyed with the JWK text'],
      [hs256(Buffer.from(pub.n!, 'base64url').toString('latin1'), 'r2', claims), 'HS256 keyed with n'],
      [await sign('PS256', 'r1'), 'PS256 under an RS256 kid'],
      [await sign('RS256', 'r2'), 'RS256 under a PS256 kid'],
    ] as const) {
      expect(await get(token), name).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
    }
    // A sealed token naming an RSA kid: RSA kids cannot seal.
    const sealed = `${enc({ alg: 'dir', enc: 'A256GCM', kid: 'r1' })}..${'A'.repeat(16)}.${'A'.repeat(22)}.${'A'.repeat(22)}`;
    expect(await get(sealed)).toEqual({ status: 401, code: 'ERR_ALG_NOT_ALLOWED' });
  });

  it('in njs without WebCrypto an RSA kid answers 503 ERR_KEYRING_UNAVAILABLE, never a grant', async () => {
    const { files } = buildNginxModule({ keyring, origin: 'http://127.0.0.1:8080', dir: '/etc/nginx/urlseal' });
    const module = files['urlseal.js'];
    expect(module).toContain("typeof crypto === 'object' ? crypto.subtle : undefined");
    const token = await sign('RS256', 'r1');
    const script = `Date.now = function () { return ${NOW * 1000}; };
${module.replace("typeof crypto === 'object' ? crypto.subtle : undefined", 'undefined').replace(/^export default .*$/m, '')}
var r = { method: 'GET', variables: { request_uri: '/v/a.mp4?token=${token}', remote_addr: '127.0.0.1' }, rawHeadersIn: [], headersOut: {},
  return: function (status) { console.log(JSON.stringify({ status: status, code: r.headersOut['x-urlseal-error'] })); },
  internalRedirect: function () { console.log('granted'); } };
handle(r);
`;
    const dir = mkdtempSync(join(tmpdir(), 'urlseal-njs-rsa-'));
    try {
      writeFileSync(join(dir, 'm.js'), script);
      expect(execFileSync(NJS, [join(dir, 'm.js')], { encoding: 'utf8' }).trim()).toBe(JSON.stringify({ status: 503, code: 'ERR_KEYRING_UNAVAILABLE' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
