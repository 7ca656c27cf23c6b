import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
import { KEYRING, jwt, now, secureQuery, tamper } from './helpers.js';

interface Seen { method: string; url: string; headers: IncomingHttpHeaders }
const BODY = '0123456789abcdefghij';
const seen: Seen[] = [];
let origin: Server;
let originUrl = '';
const edges: Server[] = [];
const logs: string[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function edge(options: Partial<Parameters<typeof createEdgeServer>[0]> = {}): Promise<string> {
  const server = createEdgeServer({ origin: originUrl, keyring: KEYRING, log: (l) => logs.push(l), ...options });
  edges.push(server);
  return `http://127.0.0.1:${await listen(server)}`;
}

/** A raw GET so the request-target is sent exactly as written (no client-side URL normalisation). */
function raw(base: string, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      // The access log is written when the edge's response closes: give it that moment.
      res.on('end', () => setTimeout(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }), 20));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  origin = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/slow') return; // never answers
    if (path.endsWith('.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      return res.end('#EXTM3U\n#EXTINF:4,\nseg-1.ts\nhttps://other.example/x.ts\n');
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const headers = { 'content-type': 'text/plain', 'accept-ranges': 'bytes', connection: 'close, x-hop', 'x-hop': '1', 'set-cookie': ['a=1', 'b=2'] };
    if (range) {
      const [s, e] = [Number(range[1]), Number(range[2])];
      res.writeHead(206, { ...headers, 'content-range': `bytes ${s}-${e}/${BODY.length}`, 'content-length': e - s + 1 });
      return res.end(req.method === 'HEAD' ? undefined : BODY.slice(s, e + 1));
    }
    res.writeHead(200, { ...headers, 'content-length': BODY.length });
    res.end(req.method === 'HEAD' ? undefined : BODY);
  });
  originUrl = `http://127.0.0.1:${await listen(origin)}`;
});

afterAll(async () => {
  for (const s of edges) s.closeAllConnections(), s.close();
  origin.closeAllConnections();
  await new Promise((r) => origin.close(r));
});

describe('@urlseal/edge/node-server', () => {
  it('proxies a granted request: carriers removed, target verbatim, Host rewritten, hop-by-hop dropped', async () => {
    const base = await edge();
    const token = jwt({ path: '/v/*' });
    const res = await raw(base, `/_token/${token}/v/caf%C3%A9%7e.txt?b=2&a=%41`, {
      authorization: `Bearer ${token}`,
      cookie: `x=1; urlseal=${token}`,
      connection: 'keep-alive, x-private',
      'x-private': 'secret',
      host: 'edge.example',
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(BODY);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-hop']).toBeUndefined();
    const got = seen.at(-1);
    expect(got?.url).toBe('/v/caf%C3%A9%7e.txt?b=2&a=%41');
    expect(got?.headers.host).toBe(new URL(originUrl).host);
    expect(got?.headers.authorization).toBeUndefined();
    expect(got?.headers.cookie).toBe('x=1');
    expect(got?.headers['x-private']).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(token);
    const line = JSON.parse(logs.at(-1) ?? '{}');
    expect(line).toMatchObject({ method: 'GET', path: '/v/caf%C3%A9%7e.txt', status: 200, code: null });
    expect(typeof line.ms).toBe('number');
    expect(logs.join('\n')).not.toContain(token);
  });

  it('reads an absolute-form target as its path and query, and never logs its scheme, authority or token', async () => {
    const base = await edge();
    const token = jwt({ path: '/v/*' });
    const granted = await raw(base, `http://edge.example/_token/${token}/v/a.txt?x=1`);
    expect(granted.status).toBe(200);
    expect(seen.at(-1)?.url).toBe('/v/a.txt?x=1');
    expect(JSON.parse(logs.at(-1) ?? '{}')).toMatchObject({ path: '/v/a.txt', status: 200 });
    const denied = await raw(base, `http://user:pass@edge.example/v/a.txt?token=${tamper(token)}`);
    expect(denied.status).toBe(403);
    expect(JSON.parse(logs.at(-1) ?? '{}')).toMatchObject({ path: '/v/a.txt', status: 403, code: 'ERR_SIGNATURE_INVALID', detail: 'signature' });
    expect(logs.join('\n')).not.toMatch(/edge\.example|user:pass|eyJ/);
  });

  it('reads the path token on the decoded path in the access log too: /%5Ftoken/<jwt>/ is never logged (issue 20)', async () => {
    const base = await edge();
    const token = jwt({ path: '/v/*' });
    const at = logs.length;
    for (const spelling of ['%5Ftoken', '%5ftoken', '_%74oken']) {
      const granted = await raw(base, `/${spelling}/${token}/v/a.txt`);
      expect(granted.status, spelling).toBe(200);
      expect(seen.at(-1)?.url).toBe('/v/a.txt');
      expect(JSON.parse(logs.at(-1) ?? '{}')).toMatchObject({ path: '/v/a.txt', status: 200 });
    }
    // Denied spellings: no slash after the token, a token segment later in the path, a second one.
    for (const target of [`/%5Ftoken/${token}`, `/v/%5Ftoken/${token}/a.txt`, `/_token/${token}/v/%5Ftoken/${token}/a.txt`]) {
      const denied = await raw(base, target);
      expect(denied.status, target).toBeGreaterThanOrEqual(400);
    }
    const lines = logs.slice(at).map((line) => JSON.parse(line) as { path: string });
    expect(lines.slice(3).map((line) => line.path)).toEqual(['/', '/v/%5Ftoken/…/a.txt', '/v/%5Ftoken/…/a.txt']);
    expect(logs.slice(at).join('\n')).not.toContain(token.split('.')[2] as string);
  });

  it('answers an allowed CORS preflight 204 without a token and logs it (issue 15)', async () => {
    const base = await edge({ cors: ['https://app.example'] });
    const before = seen.length;
    const answer = await raw(base, '/v/a.txt', { origin: 'https://app.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(seen.length).toBe(before); // never at the origin
    expect(JSON.parse(logs.at(-1) ?? '{}')).toMatchObject({ method: 'OPTIONS', path: '/v/a.txt', status: 204, code: null });
  });

  it('passes Range (206) and HEAD through', async () => {
    const base = await edge();
    const q = `token=${jwt({ path: '/a.mp4' })}`;
    const ranged = await raw(base, `/a.mp4?${q}`, { range: 'bytes=2-5' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-range']).toBe(`bytes 2-5/${BODY.length}`);
    expect(ranged.body).toBe('2345');
    const head = await raw(base, `/a.mp4?${q}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(BODY.length));
    expect(head.body).toBe('');
    expect(seen.at(-1)?.method).toBe('HEAD');
  });

  it('rewrites an HLS manifest for a query token; keeps other origins', async () => {
    const base = await edge();
    const token = jwt({ path: '/hls/*' });
    const res = await raw(base, `/hls/index.m3u8?token=${token}`, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.body).toContain(`seg-1.ts?token=${token}`);
    expect(res.body).toContain('https://other.example/x.ts\n');
    expect(seen.at(-1)?.url).toBe('/hls/index.m3u8');
    expect(seen.at(-1)?.headers['accept-encoding']).toBe('gzip, br'); // the edge decodes what the origin compresses
  });

  it('denies with SPEC §7 answers and logs the code, never the token', async () => {
    const base = await edge();
    const token = jwt({ path: '/v/*' });
    const before = seen.length;
    const cases: Array<[string, number, string, string?]> = [
      ['/v/a.txt', 401, 'ERR_TOKEN_MISSING'],
      [`/_token/${tamper(token)}/v/a.txt`, 403, 'ERR_SIGNATURE_INVALID'],
      [`/_token/${jwt({ path: '/v/*', iat: now() - 900, exp: now() - 300 })}/v/a.txt`, 410, 'ERR_TOKEN_EXPIRED'],
      [`/_token/${token}/w/a.txt`, 403, 'ERR_PATH_MISMATCH'],
      [`/_token/${token}/v/%2e%2e/w/a.txt`, 403, 'ERR_PATH_NONCANONICAL'],
      [`/_token/${token}/v/a.txt`, 405, 'ERR_METHOD_NOT_ALLOWED', 'POST'],
      [`/v/a%20b.txt?${secureQuery('/v/a b.txt', now() - 5)}`, 410, 'ERR_TOKEN_EXPIRED'],
    ];
    for (const [target, status, code, method] of cases) {
      const res = await raw(base, target, {}, method);
      expect(res.status, target).toBe(status);
      expect(JSON.parse(res.body)).toEqual({ error: code });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-urlseal-error']).toBe(code);
      expect(JSON.parse(logs.at(-1) ?? '{}')).toMatchObject({ status, code });
    }
    expect(seen.length).toBe(before);
    expect(logs.join('\n')).not.toContain(token.split('.')[2] as string);
  });

  it('uses X-Forwarded-For only with trustProxy N: the N-th entry from the right (SPEC §7)', async () => {
    const token = jwt({ path: '/a.mp4', ip: '203.0.113.0/24' });
    const status = async (options: Record<string, unknown>, xff: string) =>
      (await raw(await edge(options), `/a.mp4?token=${token}`, { 'x-forwarded-for': xff })).status;
    expect(await status({}, '203.0.113.7')).toBe(403); // not trusted by default: the socket peer counts
    expect(await status({ trustProxy: 1 }, '203.0.113.7')).toBe(200);
    expect(await status({ trustProxy: true }, '203.0.113.7')).toBe(200);
    // The client wrote the first entry; the one trusted proxy appended the last.
    expect(await status({ trustProxy: 1 }, '203.0.113.7, 10.0.0.1')).toBe(403);
    expect(await status({ trustProxy: 2 }, '203.0.113.7, 10.0.0.1')).toBe(200);
    expect(await status({ trustProxy: 2 }, '10.0.0.1')).toBe(403); // fewer entries than proxies: no address
    expect(await status({ trustProxy: 1 }, '10.0.0.1, not-an-ip')).toBe(403);
    expect(() => createEdgeServer({ origin: originUrl, keyring: KEYRING, trustProxy: -1 })).toThrow(/trustProxy/);
  });

  it('answers an honest 502 when the origin refuses and 504 when it stays silent', async () => {
    const dead = createServer();
    const deadPort = await listen(dead);
    await new Promise((r) => dead.close(r));
    const token = jwt({ path: '/*' });
    const refused = await raw(await edge({ origin: `http://127.0.0.1:${deadPort}` }), `/a?token=${token}`);
    expect(refused.status).toBe(502);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(refused.body)).toEqual({ error: 'ERR_ORIGIN_UNAVAILABLE' });
    const slow = await raw(await edge({ originTimeout: 200 }), `/slow?token=${token}`);
    expect(slow.status).toBe(504);
    expect(slow.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(slow.body)).toEqual({ error: 'ERR_ORIGIN_TIMEOUT' });
  });

  it('throws at creation on an unusable keyring', () => {
    expect(() => createEdgeServer({ origin: originUrl, keyring: '{"kids":{"k":"short"}}' })).toThrow();
  });

  it('stopGracefully lets an in-flight request finish', async () => {
    let reached: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => (reached = resolve));
    const slowOrigin = createServer((_req, res) => {
      reached();
      setTimeout(() => res.end('late'), 300);
    });
    const port = await listen(slowOrigin);
    const server = createEdgeServer({ origin: `http://127.0.0.1:${port}`, keyring: KEYRING, log: false });
    const base = `http://127.0.0.1:${await listen(server)}`;
    const pending = raw(base, `/x?token=${jwt({ path: '/x' })}`);
    await inFlight; // the origin has the request
    const stopped = stopGracefully(server, 5000);
    const res = await pending;
    await stopped;
    expect(res.status).toBe(200);
    expect(res.body).toBe('late');
    await raw(base, '/x').then(() => expect.fail('still accepting'), (error: NodeJS.ErrnoException) => expect(error.code).toBe('ECONNREFUSED'));
    slowOrigin.close();
  });
});
