// Revocation in the ready-made Worker (issue 18): dist/worker.js in REAL workerd with a
// Workers KV namespace binding (workerd's kvNamespace, backed by this test's HTTP server
// speaking workerd's KV protocol), named by URLSEAL_REVOCATIONS_KV. The store contract
// cases that apply to KV: revoked, not revoked, entry expired, store throws (KV answers
// 500), store slow past the timeout, store returns garbage; the isolate's cache; and a
// revocation setting that cannot work answers 503, never a silent pass.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleExampleWorker } from './example-worker.js';
import { freePort, hs256, startChild, startOrigin, waitForPort, type Child } from './helpers.js';
import { workerdBinary } from './binaries.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = join(ROOT, 'test/interop/fixtures/workerd/revocation.capnp');
const SECRET = 'workerd-revocation-secret-0123456789abcdef';
const now = () => Math.floor(Date.now() / 1000);
const token = (claims: Record<string, unknown>) => hs256(SECRET, 'r1', { iat: now() - 5, exp: now() + 300, path: '/v/*', ...claims });

/** What the KV service holds and how it answers; every GET it was asked, by key. */
const store = new Map<string, string>();
let mode: 'normal' | 'error' | 'slow' = 'normal';
const asked: string[] = [];
const hung: ServerResponse[] = [];
let kv: Server;
let dir = '';
let workerd: Child | undefined;
let origin: Awaited<ReturnType<typeof startOrigin>>;
const base: Record<'deny' | 'allow' | 'cached' | 'nomode' | 'unbound', string> = { deny: '', allow: '', cached: '', nomode: '', unbound: '' };

beforeAll(async () => {
  origin = await startOrigin(() => ({ body: 'origin body' }));
  // workerd's KV protocol: GET https://fake-host/<url-encoded key>?urlencoded=true; 404 is "no such key".
  kv = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kv');
    const key = decodeURIComponent(url.pathname.slice(1));
    if (req.method !== 'GET' || url.searchParams.get('urlencoded') !== 'true') return void res.writeHead(405).end();
    asked.push(key);
    if (mode === 'error') return void res.writeHead(500).end('store down');
    if (mode === 'slow') return void hung.push(res);
    const value = store.get(key);
    if (value === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(value);
  });
  await new Promise<void>((resolve) => kv.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'urlseal-workerd-revocation-'));
  await bundleExampleWorker(join(dir, 'worker.js'));
  writeFileSync(join(dir, 'keyring.txt'), JSON.stringify({ kids: { r1: SECRET } }));
  writeFileSync(join(dir, 'origin.txt'), origin.url);
  const ports = { deny: await freePort(), allow: await freePort(), cached: await freePort(), nomode: await freePort(), unbound: await freePort() };
  let config = readFileSync(TEMPLATE, 'utf8').replaceAll('@KV_PORT@', String((kv.address() as AddressInfo).port));
  for (const [name, port] of Object.entries(ports)) config = config.replaceAll(`@${name.toUpperCase()}_PORT@`, String(port));
  writeFileSync(join(dir, 'config.capnp'), config);
  workerd = startChild(workerdBinary(), ['serve', join(dir, 'config.capnp')], { cwd: dir });
  for (const [name, port] of Object.entries(ports)) {
    await waitForPort(port, 30_000, () => workerd?.exited());
    base[name as keyof typeof base] = `http://127.0.0.1:${port}`;
  }
}, 60_000);

afterAll(async () => {
  for (const res of hung) res.destroy();
  await workerd?.stop();
  await origin?.close();
  kv?.closeAllConnections();
  await new Promise((resolve) => kv?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mode = 'normal';
  store.clear();
});

async function answer(at: string, jwt: string): Promise<string> {
  const response = await fetch(`${at}/v/a.mp4?token=${jwt}`);
  await response.arrayBuffer();
  return `${response.status} ${response.headers.get('x-urlseal-error') ?? ''}`.trim();
}

describe('dist/worker.js in workerd with a Workers KV revocation binding', () => {
  it('revoked, not revoked, entry expired: keys sub:<user> and sid:<session> hold Unix times', async () => {
    store.set('sub:ada', String(now() - 2)); // tokens of ada issued before this are revoked (these are 5 s old)
    store.set('sid:login-7', String(now() + 60)); // the session is revoked until this
    store.set('sid:old-login', String(now() - 10)); // the session's entry has expired
    store.set('sub:ann@example.com', String(now() + 60));
    expect(await answer(base.deny, token({ sub: 'ada' }))).toBe('403 ERR_TOKEN_REVOKED');
    expect(await answer(base.deny, token({ sub: 'bob', sid: 'login-7' }))).toBe('403 ERR_TOKEN_REVOKED');
    expect(await answer(base.deny, token({ sub: 'ann@example.com' }))).toBe('403 ERR_TOKEN_REVOKED');
    expect(await answer(base.deny, token({ sub: 'bob', sid: 'login-8' }))).toBe('200');
    expect(await answer(base.deny, token({ sid: 'old-login' }))).toBe('200');
    expect(await answer(base.deny, token({ sub: 'ada', iat: now() }))).toBe('200'); // signed after the entry
    expect(asked).toEqual(expect.arrayContaining(['sub:ada', 'sub:bob', 'sid:login-7', 'sid:login-8', 'sid:old-login', 'sub:ann@example.com']));
    const before = asked.length;
    expect(await answer(base.deny, token({}))).toBe('200'); // no sub, no sid: no lookup
    expect(asked.length).toBe(before);
  });

  it('store throws (KV answers 500) and store returns garbage: 503 with deny, a pass with allow', async () => {
    store.set('sub:junk', 'soon');
    expect(await answer(base.deny, token({ sub: 'junk' }))).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(base.allow, token({ sub: 'junk' }))).toBe('200');
    mode = 'error';
    expect(await answer(base.deny, token({ sub: 'ada' }))).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(base.allow, token({ sub: 'ada' }))).toBe('200');
  });

  it('store slow past the timeout (500 ms): 503 with deny, a pass with allow, without waiting for KV', async () => {
    mode = 'slow';
    const started = Date.now();
    expect(await answer(base.deny, token({ sub: 'ada' }))).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(base.allow, token({ sub: 'ada' }))).toBe('200');
    expect(Date.now() - started).toBeLessThan(5000); // two timeouts of 500 ms, on a loaded machine
    for (const res of hung.splice(0)) res.destroy();
  });

  it('caches an answer in the isolate (default 10 s): a repeated token does not ask KV again', async () => {
    store.set('sub:cat', String(now() + 60));
    const cat = token({ sub: 'cat' });
    expect(await answer(base.cached, cat)).toBe('403 ERR_TOKEN_REVOKED');
    const before = asked.filter((key) => key === 'sub:cat').length;
    expect(await answer(base.cached, cat)).toBe('403 ERR_TOKEN_REVOKED');
    expect(await answer(base.cached, token({ sub: 'cat' }))).toBe('403 ERR_TOKEN_REVOKED');
    expect(asked.filter((key) => key === 'sub:cat').length).toBe(before);
  });

  it('a KV binding named without URLSEAL_ON_STORE_ERROR, or one the Worker lacks: 503, never a silent pass', async () => {
    expect(await answer(base.nomode, token({ sub: 'bob' }))).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(base.unbound, token({ sub: 'bob' }))).toBe('503 ERR_REVOCATION_UNAVAILABLE');
  });
});
