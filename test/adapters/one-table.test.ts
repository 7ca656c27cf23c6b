// One table of requests through every adapter (issue 15): grants by each carrier, each
// denial, HEAD, OPTIONS, custom statuses, cors, a path outside an Express mount, and origin
// answers of every class, run through `handle` (Node's fetch), `urlseal serve`
// (createEdgeServer), Express mounted at /v and at the root, and dist/worker.js in real
// workerd; each row asserts the same status, code (`x-urlseal-error` and the JSON `error`),
// body and headers everywhere. Every adapter relays by the one plan in
// packages/edge/src/core/relay.ts (docs/spec.md §9 "Relaying the origin's answer").
//
// Where an adapter cannot produce a row, the row says so and why (`differs`: another answer
// it gives instead, asserted; `na`: nothing to assert, listed as a skipped test with the
// reason). Not rows here, because they need an edge configured otherwise:
// ERR_KEYRING_UNAVAILABLE (no keyring: test/hostile/*), ERR_TOKEN_REVOKED and
// ERR_REVOCATION_UNAVAILABLE (a revocation store: revocation-sources.test.ts,
// worker-sealed.test.ts), preflight without the cors option (denials.test.ts).
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, handle } from '@urlseal/edge';
import { urlseal } from '@urlseal/edge/express';
import { createEdgeServer } from '@urlseal/edge/node-server';
import { hs256, type Child } from '../interop/helpers.js';
import { closeAll, listen, startWorkerEdge } from './worker-edge.js';

const SECRET = 'one-table-secret-0123456789abcdefghij';
const KEYRING = JSON.stringify({ kids: { t1: SECRET } });
const APP = 'https://app.example';
const now = Math.floor(Date.now() / 1000);
const jwt = (claims: Record<string, unknown> = {}, kid = 't1', secret = SECRET) =>
  hs256(secret, kid, { iat: now, exp: now + 600, path: '/v/*', ...claims });
const TOKEN = jwt();
const q = (path: string, token = TOKEN) => `${path}${path.includes('?') ? '&' : '?'}token=${token}`;
// The Node adapters run with these options; the Worker has no statuses binding.
const STATUSES = { ERR_PATH_MISMATCH: 404 } as const;
const PLAYLIST = '#EXTM3U\n#EXTINF:4,\nseg-1.ts\n#EXT-X-ENDLIST\n';

type AdapterName = 'handle' | 'serve' | 'Express at /v' | 'Express at /' | 'Worker (workerd)';
const ADAPTERS: readonly AdapterName[] = ['handle', 'serve', 'Express at /v', 'Express at /', 'Worker (workerd)'];

interface Expect {
  readonly status: number;
  /** The edge's code: `x-urlseal-error` and the JSON body's `error`; `null` for the origin's own answer. */
  readonly code: string | null;
  /** The body as the client reads it (origin answers). */
  readonly body?: string;
  /** Headers the answer must carry (a value) or must not (`null`). */
  readonly headers?: Readonly<Record<string, string | null>>;
}

interface Row {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expect: Expect;
  /** Adapters that answer otherwise, with the answer they give and why. */
  readonly differs?: Partial<Record<AdapterName, { readonly why: string; readonly expect: Expect }>>;
  /** Adapters that cannot produce this row at all, and why. */
  readonly na?: Partial<Record<AdapterName, string>>;
}

// ---------------------------------------------------------------------------------- answers
const RELAYED = { 'referrer-policy': 'no-referrer', 'x-urlseal-error': null } as const;
const ok = (body: string, headers: Record<string, string | null> = {}): Expect => ({ status: 200, code: null, body, headers: { ...RELAYED, ...headers } });
const denied = (status: number, code: string, headers: Record<string, string | null> = {}): Expect => ({
  status,
  code,
  headers: { 'cache-control': 'no-store', 'content-type': 'application/json', 'referrer-policy': null, ...headers },
});
const UNAVAILABLE = denied(502, 'ERR_ORIGIN_UNAVAILABLE');
const NOT_AN_ORIGIN = 'the next handler is the app itself, in process: no origin answer to relay or fail (Node writes what the handler writes)';
const EXPRESS_NA = { 'Express at /v': NOT_AN_ORIGIN, 'Express at /': NOT_AN_ORIGIN } as const;
// The origin saw no carrier (body "clean"), whatever carried the token.
const CLEAN = ok('clean', { 'x-origin': 'yes' });

const TABLE: readonly Row[] = [
  // -------------------------------------------------------------------- grants, by carrier
  { name: 'grant: query token', path: q('/v/ok.txt'), expect: CLEAN },
  { name: 'grant: cookie', path: '/v/ok.txt', headers: { cookie: `a=1; urlseal=${TOKEN}` }, expect: CLEAN },
  { name: 'grant: Authorization: Bearer', path: '/v/ok.txt', headers: { authorization: `Bearer ${TOKEN}` }, expect: CLEAN },
  {
    name: 'grant: path token',
    path: `/_token/${TOKEN}/v/ok.txt`,
    expect: CLEAN,
    differs: {
      'Express at /v': {
        // The app mounts the guard at /_token too: the granted path /v/ok.txt lies outside that mount.
        why: 'a path token stands before the mount path: the granted path cannot be expressed below it (mount at the root for path tokens)',
        expect: denied(404, 'ERR_PATH_MISMATCH'),
      },
    },
  },
  {
    name: 'grant: HEAD has the headers and no body',
    method: 'HEAD',
    path: q('/v/ok.txt'),
    expect: { status: 200, code: null, body: '', headers: { ...RELAYED, 'content-length': '5', 'x-origin': 'yes' } },
  },
  {
    name: "grant: the origin's Referrer-Policy is replaced, its other headers kept",
    path: q('/v/ok.txt'),
    expect: ok('clean', { 'referrer-policy': 'no-referrer', 'x-origin': 'yes', 'content-type': 'text/plain' }),
  },
  {
    name: 'grant: a hop-by-hop header (named in Connection) is not relayed',
    path: q('/v/hop'),
    expect: ok('hop', { 'x-hop': null }),
    differs: {
      'Express at /v': { why: 'the handler is the server: its own Connection header is for Node, not a proxy', expect: ok('hop', { 'x-hop': '1' }) },
      'Express at /': { why: 'the handler is the server: its own Connection header is for Node, not a proxy', expect: ok('hop', { 'x-hop': '1' }) },
    },
  },
  {
    name: 'grant: a 200 HLS manifest to a query token is rewritten, no-store',
    path: q('/v/index.m3u8'),
    expect: ok(PLAYLIST.replace('seg-1.ts', `seg-1.ts?token=${TOKEN}`), { 'cache-control': 'no-store', 'content-encoding': null }),
  },
  {
    name: 'grant: a manifest to a cookie token is relayed as it is',
    path: '/v/index.m3u8',
    headers: { cookie: `urlseal=${TOKEN}` },
    expect: ok(PLAYLIST, { 'cache-control': 'public, max-age=60' }),
  },

  // ---------------------------------------------------------------------------- denials
  { name: 'deny: no token', path: '/v/ok.txt', expect: denied(401, 'ERR_TOKEN_MISSING', { 'www-authenticate': 'Bearer' }) },
  { name: 'deny: malformed token', path: q('/v/ok.txt', 'a.b'), expect: denied(401, 'ERR_TOKEN_MALFORMED', { 'www-authenticate': 'Bearer error="invalid_token"' }) },
  { name: 'deny: unknown kid', path: q('/v/ok.txt', jwt({}, 'nope')), expect: denied(401, 'ERR_KID_UNKNOWN', { 'www-authenticate': 'Bearer error="invalid_token"' }) },
  {
    name: 'deny: alg none',
    path: q('/v/ok.txt', `${Buffer.from('{"alg":"none","kid":"t1"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: now + 60, path: '/v/*' })).toString('base64url')}.`),
    expect: denied(401, 'ERR_ALG_NOT_ALLOWED'),
  },
  { name: 'deny: claim invalid (exp beyond maxTtl)', path: q('/v/ok.txt', jwt({ exp: now + 10 * 86_400 })), expect: denied(401, 'ERR_CLAIM_INVALID') },
  { name: 'deny: bad signature', path: q('/v/ok.txt', jwt({}, 't1', 'another-secret-0123456789abcdefghijkl')), expect: denied(403, 'ERR_SIGNATURE_INVALID', { 'www-authenticate': null }) },
  { name: 'deny: non-canonical path', path: q('/v//ok.txt'), expect: denied(403, 'ERR_PATH_NONCANONICAL') },
  { name: 'deny: ip mismatch', path: q('/v/ok.txt', jwt({ ip: '203.0.113.9' })), expect: denied(403, 'ERR_IP_MISMATCH') },
  { name: 'deny: geo mismatch (no country source)', path: q('/v/ok.txt', jwt({ geo: { allow: ['FR'] } })), expect: denied(403, 'ERR_GEO_MISMATCH') },
  { name: 'deny: expired', path: q('/v/ok.txt', jwt({ iat: now - 900, exp: now - 600 })), expect: denied(410, 'ERR_TOKEN_EXPIRED') },
  { name: 'deny: POST', method: 'POST', path: q('/v/ok.txt'), expect: denied(405, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' }) },
  {
    name: 'deny: custom status (statuses: ERR_PATH_MISMATCH → 404)',
    path: q('/v/ok.txt', jwt({ path: '/w/*' })),
    expect: denied(404, 'ERR_PATH_MISMATCH'),
    differs: { 'Worker (workerd)': { why: 'the Worker has no statuses binding: SPEC §7 default', expect: denied(403, 'ERR_PATH_MISMATCH') } },
  },
  {
    name: 'deny: a path outside the Express mount',
    path: q('/elsewhere.txt', jwt({ path: '/elsewhere.txt' })),
    expect: ok('elsewhere'),
    differs: {
      'Express at /v': {
        why: 'the guard is mounted at /v and /_token: Express never runs it for /elsewhere.txt (its own 404, no code)',
        expect: { status: 404, code: null, headers: { 'x-urlseal-error': null } },
      },
    },
  },

  // ------------------------------------------------------------------------ cors, OPTIONS
  {
    name: 'cors: a denial is readable by an allowed origin',
    path: q('/v/ok.txt', jwt({ iat: now - 900, exp: now - 600 })),
    headers: { origin: APP },
    expect: denied(410, 'ERR_TOKEN_EXPIRED', { 'access-control-allow-origin': APP, 'access-control-expose-headers': 'x-urlseal-error' }),
  },
  {
    name: 'cors: not for another origin',
    path: '/v/ok.txt',
    headers: { origin: 'https://evil.example' },
    expect: denied(401, 'ERR_TOKEN_MISSING', { 'access-control-allow-origin': null }),
  },
  {
    name: "cors: the Express mount path's own denial is readable too",
    path: `/_token/${TOKEN}/v/ok.txt`,
    headers: { origin: APP },
    expect: CLEAN,
    differs: {
      'Express at /v': {
        why: 'the mount-path denial (see "grant: path token"), made by deny() like any other',
        expect: denied(404, 'ERR_PATH_MISMATCH', { 'access-control-allow-origin': APP }),
      },
    },
  },
  {
    name: 'OPTIONS: the preflight of an allowed origin is 204 without a token',
    method: 'OPTIONS',
    path: '/v/ok.txt',
    headers: { origin: APP, 'access-control-request-method': 'GET' },
    expect: { status: 204, code: null, body: '', headers: { 'access-control-allow-origin': APP, 'access-control-allow-methods': 'GET, HEAD', 'x-urlseal-error': null } },
  },
  {
    name: 'OPTIONS: from another origin is 405',
    method: 'OPTIONS',
    path: '/v/ok.txt',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    expect: denied(405, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, HEAD', 'access-control-allow-origin': null }),
  },
  {
    name: 'OPTIONS: without Access-Control-Request-Method is 405, readable by an allowed origin',
    method: 'OPTIONS',
    path: '/v/ok.txt',
    headers: { origin: APP },
    expect: denied(405, 'ERR_METHOD_NOT_ALLOWED', { allow: 'GET, HEAD', 'access-control-allow-origin': APP }),
  },

  // -------------------------------------------------------------------- origin answers
  { name: 'origin 203: relayed', path: q('/v/status/203'), expect: { status: 203, code: null, body: 'status 203', headers: RELAYED } },
  { name: 'origin 204: no body', path: q('/v/status/204'), expect: { status: 204, code: null, body: '', headers: RELAYED } },
  {
    name: 'origin 205: no body, Content-Length: 0',
    path: q('/v/status/205'),
    expect: { status: 205, code: null, body: '', headers: { ...RELAYED, 'content-length': '0' } },
  },
  { name: 'origin 304: no body, its validators kept', path: q('/v/status/304'), expect: { status: 304, code: null, body: '', headers: { ...RELAYED, etag: '"e1"' } } },
  {
    name: 'origin 302: relayed, not followed',
    path: q('/v/status/302'),
    expect: { status: 302, code: null, body: 'status 302', headers: { ...RELAYED, location: '/v/elsewhere' } },
  },
  { name: 'origin 404: its own answer, no code', path: q('/v/status/404'), expect: { status: 404, code: null, body: 'status 404', headers: RELAYED } },
  { name: 'origin 503: its own answer, not 502', path: q('/v/status/503'), expect: { status: 503, code: null, body: 'status 503', headers: RELAYED } },
  { name: 'origin 101: cannot be relayed → 502', path: q('/v/raw/101'), expect: UNAVAILABLE, na: EXPRESS_NA },
  { name: 'origin 600: cannot be relayed → 502', path: q('/v/raw/600'), expect: UNAVAILABLE, na: EXPRESS_NA },
  { name: 'origin 999: cannot be relayed → 502', path: q('/v/raw/999'), expect: UNAVAILABLE, na: EXPRESS_NA },
  { name: 'origin fails (connection reset, no answer) → 502', path: q('/v/fail'), expect: UNAVAILABLE, na: EXPRESS_NA },
  {
    name: 'origin stays silent → 504 after originTimeout',
    path: q('/v/silent'),
    expect: denied(504, 'ERR_ORIGIN_TIMEOUT'),
    na: {
      handle: 'handle has no timeout of its own: the fetchOrigin you pass decides (AbortSignal.timeout → 502)',
      'Worker (workerd)': "the Worker has no timeout of its own: the platform's limits apply",
      ...EXPRESS_NA,
    },
  },
];

// ---------------------------------------------------------------------------------- origin
const RAW = /^\/v\/raw\/(\d+)/;

/** The origin, for the remote adapters over HTTP and as Express's next handler. */
function origin(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): void {
  const url = req.originalUrl ?? req.url ?? '';
  const path = url.split('?')[0] ?? '';
  const raw = RAW.exec(path);
  if (raw !== null) return void req.socket.end(`HTTP/1.1 ${raw[1]} Whatever\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi`);
  if (path === '/v/fail') return void req.socket.destroy();
  if (path === '/v/silent') return; // never answers
  const send = (status: number, headers: Record<string, string>, body: string) => {
    res.writeHead(status, { 'referrer-policy': 'unsafe-url', 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const status = /^\/v\/status\/(\d+)$/.exec(path)?.[1];
  if (status !== undefined) {
    const code = Number(status);
    if (code === 204 || code === 205 || code === 304) return send(code, code === 304 ? { etag: '"e1"' } : {}, '');
    return send(code, code === 302 ? { location: '/v/elsewhere' } : {}, `status ${code}`);
  }
  if (path === '/v/index.m3u8') return send(200, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' }, PLAYLIST);
  if (path === '/v/hop') return send(200, { connection: 'x-hop', 'x-hop': '1' }, 'hop');
  if (path === '/elsewhere.txt') return send(200, { 'content-type': 'text/plain' }, 'elsewhere');
  // Whether any token carrier reached the origin.
  const carried = /token/.test(url) || /urlseal=/.test(req.headers.cookie ?? '') || /bearer/i.test(req.headers.authorization ?? '');
  return send(200, { 'content-type': 'text/plain', 'x-origin': 'yes' }, carried ? 'dirty' : 'clean');
}

// ---------------------------------------------------------------------------------- clients
interface Got {
  readonly status: number;
  readonly header: (name: string) => string | null;
  readonly body: string;
}
type Send = (row: Row) => Promise<Got>;

/** A request over node:http (no URL normalisation, the body as it came off the wire). */
const over = (base: string): Send => (row) =>
  new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${row.path}`, { method: row.method ?? 'GET', headers: row.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const value = (name: string) => {
          const v = res.headers[name];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        };
        resolve({ status: res.statusCode ?? 0, header: value, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

const adapters = new Map<AdapterName, Send>();
const servers: Server[] = [];
let workerd: Child | undefined;
let dir = '';

beforeAll(async () => {
  const originUrl = await listen(servers, createServer(origin));
  const options = { keyring: KEYRING, cors: [APP], statuses: STATUSES };
  const verifier = createVerifier(options);
  adapters.set('handle', async (row) => {
    const request = new Request(`http://edge.test${row.path}`, { method: row.method ?? 'GET', headers: row.headers });
    const answer = await handle(verifier, request, (forward) => fetch(forward), { origin: originUrl, clientIp: '127.0.0.1' });
    return { status: answer.status, header: (name) => answer.headers.get(name), body: await answer.text() };
  });
  adapters.set('serve', over(await listen(servers, createEdgeServer({ origin: originUrl, log: false, originTimeout: 1000, ...options }))));
  const mounted = express();
  const guard = urlseal(options);
  mounted.use('/v', guard, origin);
  mounted.use('/_token', guard, origin);
  adapters.set('Express at /v', over(await listen(servers, createServer(mounted))));
  const root = express();
  root.use(urlseal(options), origin);
  adapters.set('Express at /', over(await listen(servers, createServer(root))));
  dir = mkdtempSync(join(tmpdir(), 'urlseal-one-table-'));
  const worker = await startWorkerEdge(dir, KEYRING, originUrl, { URLSEAL_CORS: APP });
  workerd = worker.workerd;
  adapters.set('Worker (workerd)', over(worker.base));
}, 60_000);

afterAll(() => closeAll(servers, workerd, dir));

function check(got: Got, expected: Expect): void {
  expect(got.status, 'status').toBe(expected.status);
  expect(got.header('x-urlseal-error'), 'x-urlseal-error').toBe(expected.code);
  if (expected.code !== null) expect(JSON.parse(got.body), 'body').toEqual({ error: expected.code });
  if (expected.body !== undefined) expect(got.body, 'body').toBe(expected.body);
  for (const [name, value] of Object.entries(expected.headers ?? {})) expect(got.header(name), name).toBe(value);
}

describe.each(ADAPTERS)('%s', (name) => {
  for (const row of TABLE) {
    const na = row.na?.[name];
    if (na !== undefined) {
      it.skip(`${row.name} — not for this adapter: ${na}`, () => undefined);
      continue;
    }
    const differs = row.differs?.[name];
    it(differs === undefined ? row.name : `${row.name} — here: ${differs.why}`, async () => {
      check(await adapters.get(name)!(row), differs?.expect ?? row.expect);
    });
  }
});
