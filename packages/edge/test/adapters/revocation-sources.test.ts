// The store contract (issue 18) over every Node source: a JSON file, a list served
// by a real HTTP server on 127.0.0.1, and a real Debian redis-server started on a
// free loopback port. Each source: revoked, not revoked, entry expired, store
// throws, store slow past its timeout, store returns garbage; and the file
// source's watch and the URL source's ETag, refresh and max-stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { urlseal } from '../../src/runtimes/node/express.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/runtimes/node/index.js';
import { handle } from '../../src/web/handle.js';
import { revocationFile, revocationRedis, revocationUrl, type ManagedRevocationSource } from '../../src/ops/revocation-source.js';
import { MAX_REVOCATIONS_BYTES } from '../../src/contract/revocation-list.js';
import type { RevocationSource } from '../../src/contract/revocation-list.js';
import { NOW, claims, hs256, keyringJson } from '../helpers.js';
import { freePort, startRedis } from '../../../../test/interop/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'urlseal-revocation-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PATH = '/videos/course-1/a.ts';
const origin = async () => new Response('ok');

async function answer(source: RevocationSource, token: string, onStoreError: 'deny' | 'allow' = 'deny', timeout = 200) {
  const verifier = createVerifier({ keyring: keyringJson, currentDate: new Date(NOW * 1000), revocation: { source, onStoreError, timeout, cacheTtl: 0 } });
  const response = await handle(verifier, new Request(`https://cdn.test${PATH}?token=${token}`), origin);
  return { status: response.status, code: response.headers.get('x-urlseal-error') };
}

const OK = { status: 200, code: null };
const REVOKED = { status: 403, code: 'ERR_TOKEN_REVOKED' };
const UNAVAILABLE = { status: 503, code: 'ERR_REVOCATION_UNAVAILABLE' };

describe('file source', () => {
  // The keyring file's class (issue 20 item 3), in its twin: a FIFO is refused without
  // blocking, at the first read and at a re-read, and the last good list keeps answering.
  it('refuses a FIFO at once and keeps the last good list when one replaces the file', async () => {
    const fifo = join(dir, 'revocations.fifo');
    execFileSync('mkfifo', [fifo]);
    const refused = revocationFile(fifo, { log: false });
    expect(refused.problem).toMatch(/is a FIFO, not a regular file; a revocation list is read from regular files only/);
    refused.close();
    const file = join(dir, 'revocations-then-fifo.json');
    writeFileSync(file, JSON.stringify({ sub: { ada: NOW } }));
    const source = revocationFile(file, { pollInterval: 0, log: false });
    try {
      expect(source.problem).toBeUndefined();
      const other = join(dir, 'other.fifo');
      execFileSync('mkfifo', [other]);
      renameSync(other, file);
      source.reload();
      for (let i = 0; i < 200 && source.problem === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(source.problem).toMatch(/is a FIFO/);
      expect(await source.lookup('ada', undefined)).toMatchObject({ subNotBefore: NOW });
    } finally {
      source.close();
    }
  });

  const file = join(dir, 'revocations.json');
  const write = (json: unknown) => {
    writeFileSync(`${file}.tmp`, typeof json === 'string' ? json : JSON.stringify(json));
    renameSync(`${file}.tmp`, file);
  };
  let source: ManagedRevocationSource;
  const lines: string[] = [];
  beforeAll(() => {
    write({ sub: { ada: NOW, old: NOW - 3600 }, sid: { s1: NOW + 60, gone: NOW } });
    source = revocationFile(file, { pollInterval: 20, log: (line) => lines.push(line) });
  });
  afterAll(() => source.close());

  it('revoked, not revoked, entry expired', async () => {
    expect(await answer(source, hs256(claims({ sub: 'ada', iat: NOW - 1 })))).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sid: 's1' })))).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sub: 'bob', sid: 's2' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sub: 'old' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sid: 'gone' })))).toEqual(OK);
  });

  it('sees a new file, keeps the last good list on a bad one and says which member is wrong, never an id', async () => {
    write({ sub: { ada: NOW, bob: NOW + 1 } });
    await expect.poll(() => answer(source, hs256(claims({ sub: 'bob' }))), { timeout: 5000, interval: 20 }).toEqual(REVOKED);
    write({ sub: { 'ada@example.com': 'yesterday' } });
    await expect.poll(() => source.problem, { timeout: 5000, interval: 20 }).toMatch(/"sub" entry 1 is not a Unix time/);
    expect(await answer(source, hs256(claims({ sub: 'bob' })))).toEqual(REVOKED);
    expect(lines.join('\n')).not.toContain('ada@example.com');
    write('not json');
    await expect.poll(() => source.problem, { timeout: 5000, interval: 20 }).toMatch(/not JSON/);
    expect(await answer(source, hs256(claims({ sub: 'bob' })))).toEqual(REVOKED);
  });

  it('store throws: a file never read well is a fault, answered as onStoreError says', async () => {
    const missing = revocationFile(join(dir, 'missing.json'), { pollInterval: 0, log: false });
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"sub": []}');
    const bad = revocationFile(garbage, { pollInterval: 0, log: false });
    try {
      for (const s of [missing, bad]) {
        expect(await answer(s, hs256(claims({ sub: 'ada' })))).toEqual(UNAVAILABLE);
        expect(await answer(s, hs256(claims({ sub: 'ada' })), 'allow')).toEqual(OK);
      }
    } finally {
      missing.close();
      bad.close();
    }
  });
});

/** A real HTTP server on 127.0.0.1 whose answer the test sets per request; it records what it was asked. */
async function listServer() {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  let handler: Handler = (_req, res) => void res.writeHead(404).end();
  const seen: Array<{ ifNoneMatch: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    seen.push({ ifNoneMatch: req.headers['if-none-match'] });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/urlseal/revocations.json`,
    seen,
    answer(next: Handler) {
      handler = next;
    },
    /** Serves `body` with an ETag of its own; a matching If-None-Match gets 304. */
    serve(body: string, extra: Record<string, string> = {}) {
      const etag = `"${Buffer.from(body).toString('base64url').slice(0, 16)}-${body.length}"`;
      handler = (req, res) => {
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
        res.writeHead(200, { 'content-type': 'application/json', etag, ...extra }).end(body);
      };
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('URL source (a real HTTP server on 127.0.0.1)', () => {
  let http: Awaited<ReturnType<typeof listServer>>;
  const ada = () => hs256(claims({ sub: 'ada', iat: NOW - 1 })); // issued before ada's entry: revoked
  const sources: ManagedRevocationSource[] = [];
  const open = (options: Parameters<typeof revocationUrl>[1] = {}) => {
    const source = revocationUrl(http.url, { log: false, ...options });
    sources.push(source);
    return source;
  };
  beforeAll(async () => {
    http = await listServer();
  });
  afterAll(async () => {
    for (const source of sources) source.close();
    await http?.close();
  });

  it('revoked, not revoked, entry expired; a 304 to If-None-Match confirms the list, a new list is picked up on refresh', async () => {
    http.serve(JSON.stringify({ sub: { ada: NOW, old: NOW - 3600 }, sid: { s1: NOW + 60, gone: NOW } }));
    const source = open({ refreshInterval: 100 });
    expect(await (source as ReturnType<typeof revocationUrl>).reload()).toBe('loaded');
    expect(source.description).toBe(`url ${http.url}`);
    expect(await answer(source, ada())).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sid: 's1' })))).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sub: 'bob', sid: 's2' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sub: 'old' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sid: 'gone' })))).toEqual(OK);
    // The refresh asks with the ETag it holds and takes the 304 as a confirmation.
    await expect.poll(() => http.seen.some((s) => s.ifNoneMatch !== undefined), { timeout: 5000, interval: 20 }).toBe(true);
    expect(await answer(source, ada())).toEqual(REVOKED);
    http.serve(JSON.stringify({ sub: { ada: NOW, bob: NOW + 1 } }));
    await expect.poll(() => answer(source, hs256(claims({ sub: 'bob' }))), { timeout: 5000, interval: 20 }).toEqual(REVOKED);
  });

  it('store returns garbage: before any good list every lookup is a fault; after one, a bad body keeps it and says which member is wrong, never an id', async () => {
    http.serve('{"sub": []}');
    const lines: string[] = [];
    const first = open({ log: (line) => lines.push(line) });
    expect(await (first as ReturnType<typeof revocationUrl>).reload()).toBe('invalid');
    expect(first.problem).toMatch(/"sub" must be an object/);
    expect(await answer(first, ada())).toEqual(UNAVAILABLE);
    expect(await answer(first, ada(), 'allow')).toEqual(OK);

    http.serve(JSON.stringify({ sub: { ada: NOW } }));
    const source = open({ refreshInterval: 100, log: (line) => lines.push(line) });
    expect(await (source as ReturnType<typeof revocationUrl>).reload()).toBe('loaded');
    http.serve(JSON.stringify({ sub: { 'ada@example.com': 'yesterday' } }));
    await expect.poll(() => source.problem, { timeout: 5000, interval: 20 }).toMatch(/"sub" entry 1 is not a Unix time/);
    expect(await answer(source, ada())).toEqual(REVOKED);
    http.serve('not json');
    await expect.poll(() => source.problem, { timeout: 5000, interval: 20 }).toMatch(/not JSON/);
    expect(await answer(source, ada())).toEqual(REVOKED);
    expect(lines.join('\n')).toMatch(/"event":"revocations".*"result":"invalid".*"kept":"last good list"/);
    expect(lines.join('\n')).not.toContain('ada@example.com');
  });

  it('bounds the body by the bytes read, with no Content-Length to go by', async () => {
    const chunk = Buffer.alloc(1024 * 1024, ' ');
    http.answer((_req, res) => {
      let written = 0;
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      const more = () => {
        while (written <= MAX_REVOCATIONS_BYTES + chunk.length) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => undefined);
      more();
    });
    const source = open();
    expect(await (source as ReturnType<typeof revocationUrl>).reload()).toBe('invalid');
    expect(source.problem).toBe(`revocations: the list is larger than ${MAX_REVOCATIONS_BYTES} bytes`);
    expect(await answer(source, ada())).toEqual(UNAVAILABLE);
  });

  it('store throws: nothing listening, or an HTTP error, before any good list is a fault at once', async () => {
    const port = await freePort(); // nothing listens there
    const down = revocationUrl(`http://127.0.0.1:${port}/revocations.json`, { log: false });
    sources.push(down);
    expect(await down.reload()).toBe('unavailable');
    expect(down.problem).toMatch(/^fetch failed \(ECONNREFUSED\)$/);
    expect(await answer(down, ada())).toEqual(UNAVAILABLE);
    expect(await answer(down, ada(), 'allow')).toEqual(OK);
    http.answer((_req, res) => void res.writeHead(500).end('boom'));
    const failing = open();
    expect(await (failing as ReturnType<typeof revocationUrl>).reload()).toBe('unavailable');
    expect(failing.problem).toBe('answered HTTP 500');
    expect(await answer(failing, ada())).toEqual(UNAVAILABLE);
  });

  it('store slow past its timeout: a server that never answers is a fault; with a list, lookups answer from it at once', async () => {
    const hung: ServerResponse[] = [];
    http.answer((_req, res) => void hung.push(res));
    const never = open({ timeout: 200 });
    const started = Date.now();
    expect(await (never as ReturnType<typeof revocationUrl>).reload()).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(never.problem).toBe('no complete answer within 200 ms');
    expect(await answer(never, ada())).toEqual(UNAVAILABLE);

    http.serve(JSON.stringify({ sub: { ada: NOW } }));
    const source = open({ timeout: 200 });
    expect(await (source as ReturnType<typeof revocationUrl>).reload()).toBe('loaded');
    http.answer((_req, res) => void hung.push(res));
    const refetch = (source as ReturnType<typeof revocationUrl>).reload();
    // While the fetch hangs, the last good list answers (a lookup never waits for the server).
    expect(await answer(source, ada(), 'deny', 50)).toEqual(REVOKED);
    expect(await refetch).toBe('unavailable');
    expect(await answer(source, ada(), 'deny', 50)).toEqual(REVOKED);
    for (const res of hung) res.destroy();
  });

  it('after maxStale without a successful fetch every lookup is a fault, answered as onStoreError says; a later success ends it', async () => {
    http.serve(JSON.stringify({ sub: { ada: NOW } }));
    const lines: string[] = [];
    const source = open({ refreshInterval: 100, maxStale: 300, log: (line) => lines.push(line) });
    expect(await (source as ReturnType<typeof revocationUrl>).reload()).toBe('loaded');
    http.answer((_req, res) => void res.writeHead(503).end());
    await expect.poll(() => answer(source, hs256(claims({ sub: 'bob' }))), { timeout: 5000, interval: 20 }).toEqual(UNAVAILABLE);
    expect(await answer(source, hs256(claims({ sub: 'bob' })), 'allow')).toEqual(OK);
    await expect.poll(() => lines.join('\n'), { timeout: 5000, interval: 20 }).toMatch(/"result":"stale"/);
    http.serve(JSON.stringify({ sub: { ada: NOW } }));
    await expect.poll(() => answer(source, hs256(claims({ sub: 'bob' }))), { timeout: 5000, interval: 20 }).toEqual(OK);
  });

  it('refuses plain http off loopback, credentials in the URL and unknown options', () => {
    expect(() => revocationUrl('http://lists.example.com/r.json')).toThrow(/must be https:\/\//);
    expect(() => revocationUrl('https://user:pw@lists.example.com/r.json')).toThrow(/must not hold credentials/);
    expect(() => revocationUrl('not a url')).toThrow(/url must be the https:\/\/ URL of a revocation list/);
    expect(() => revocationUrl('https://lists.example.com/r.json', { refresh: 1 } as never)).toThrow(/option "refresh" is unknown/);
    expect(() => revocationUrl('https://lists.example.com/r.json', { maxStale: -1 })).toThrow(/option "maxStale" must be a number of milliseconds/);
  });
});

describe('Redis source (Debian redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedis(dir);
    client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    await client.set('urlseal:revoked:sub:ada', String(NOW));
    await client.set('urlseal:revoked:sub:old', String(NOW - 3600));
    await client.set('urlseal:revoked:sid:s1', String(NOW + 60));
    await client.set('urlseal:revoked:sid:gone', String(NOW));
    await client.set('urlseal:revoked:sub:junk', 'soon');
  }, 20_000);
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('revoked, not revoked, entry expired, with one MGET per lookup', async () => {
    const source = revocationRedis(client);
    expect(await answer(source, hs256(claims({ sub: 'ada', iat: NOW - 1 })))).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sub: 'bob', sid: 's1' })))).toEqual(REVOKED);
    expect(await answer(source, hs256(claims({ sub: 'bob', sid: 's2' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sub: 'old' })))).toEqual(OK);
    expect(await answer(source, hs256(claims({ sid: 'gone' })))).toEqual(OK);
    const before = Number(/cmdstat_mget:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
    await answer(source, hs256(claims({ sub: 'bob', sid: 's2' })));
    expect(Number(/cmdstat_mget:calls=(\d+)/.exec(await client.info('commandstats'))?.[1])).toBe(before + 1);
  });

  it('store returns garbage: a value that is no Unix time is a fault', async () => {
    const source = revocationRedis(client);
    expect(await answer(source, hs256(claims({ sub: 'junk' })))).toEqual(UNAVAILABLE);
    expect(await answer(source, hs256(claims({ sub: 'junk' })), 'allow')).toEqual(OK);
  });

  it('store slow past its timeout: a paused server is a fault after `timeout` ms', async () => {
    const source = revocationRedis(client);
    const admin = new Redis(redis.url);
    try {
      await admin.client('PAUSE', 800, 'ALL');
      const started = Date.now();
      expect(await answer(source, hs256(claims({ sub: 'ada' })), 'deny', 100)).toEqual(UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await answer(source, hs256(claims({ sub: 'ada' })), 'allow', 100)).toEqual(OK);
    } finally {
      await admin.client('UNPAUSE');
      admin.disconnect();
    }
  });

  it('store throws: a server that is gone is a fault at once (no queue while disconnected)', async () => {
    const port = await freePort(); // nothing listens there
    const down = new Redis(port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    down.on('error', () => undefined);
    try {
      const source = revocationRedis(down);
      expect(await answer(source, hs256(claims({ sub: 'ada' })))).toEqual(UNAVAILABLE);
      expect(await answer(source, hs256(claims({ sub: 'ada' })), 'allow')).toEqual(OK);
    } finally {
      down.disconnect();
    }
  });
});

describe('Express with a revocation URL', () => {
  it('denies a revoked user 403 ERR_TOKEN_REVOKED and passes others', async () => {
    const http = await listServer();
    http.serve(JSON.stringify({ sub: { ada: NOW } }));
    const source = revocationUrl(http.url, { log: false });
    try {
      await source.reload();
      const app = express();
      app.use(urlseal({ keyring: keyringJson, currentDate: new Date(NOW * 1000), revocation: { source, onStoreError: 'deny' } }), (_req, res) => void res.send('ok'));
      const revoked = await request(app).get(`${PATH}?token=${hs256(claims({ sub: 'ada', iat: NOW - 1 }))}`).expect(403);
      expect(revoked.headers['x-urlseal-error']).toBe('ERR_TOKEN_REVOKED');
      await request(app).get(`${PATH}?token=${hs256(claims({ sub: 'bob' }))}`).expect(200, 'ok');
    } finally {
      source.close();
      await http.close();
    }
  });
});

describe('Express with a revocation file', () => {
  it('denies a revoked user 403 ERR_TOKEN_REVOKED, passes others, and a store fault as chosen', async () => {
    const file = join(dir, 'express-revocations.json');
    writeFileSync(file, JSON.stringify({ sub: { ada: NOW } }));
    const source = revocationFile(file, { pollInterval: 0, log: false });
    const app = (onStoreError: 'deny' | 'allow', s: RevocationSource) => {
      const a = express();
      a.use(urlseal({ keyring: keyringJson, currentDate: new Date(NOW * 1000), revocation: { source: s, onStoreError } }), (_req, res) => void res.send('ok'));
      return a;
    };
    try {
      const get = (a: express.Express, extra: Record<string, unknown>) => request(a).get(`${PATH}?token=${hs256(claims(extra))}`);
      const revoked = await get(app('deny', source), { sub: 'ada', iat: NOW - 1 }).expect(403);
      expect(revoked.headers['x-urlseal-error']).toBe('ERR_TOKEN_REVOKED');
      expect(revoked.body).toEqual({ error: 'ERR_TOKEN_REVOKED' });
      await get(app('deny', source), { sub: 'bob' }).expect(200, 'ok');
      const broken: RevocationSource = { lookup: () => Promise.reject(new Error('down')) };
      const unavailable = await get(app('deny', broken), { sub: 'bob' }).expect(503);
      expect(unavailable.headers['x-urlseal-error']).toBe('ERR_REVOCATION_UNAVAILABLE');
      await get(app('allow', broken), { sub: 'bob' }).expect(200, 'ok');
    } finally {
      source.close();
    }
  });
});
