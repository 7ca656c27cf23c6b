// The store contract (issue 18) over every Node source: a JSON file and a real
// Debian redis-server started on a free loopback port. Each source: revoked, not
// revoked, entry expired, store throws, store slow past its timeout, store
// returns garbage; and the file source's watch and last-good list.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { urlseal } from '../../src/adapters/express.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/node.js';
import { handle } from '../../src/handle.js';
import { revocationFile, revocationRedis, type ManagedRevocationSource } from '../../src/adapters/revocation-source.js';
import type { RevocationSource } from '../../src/revocation.js';
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
