// examples/cloudflare-worker (dist/worker.js, bundled as wrangler does) running in REAL workerd, in front of a local
// Node origin that records what reaches it. Tokens are made with node:crypto here,
// independently of the SDK.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleExampleWorker } from './example-worker.js';
import { freePort, hs256, startChild, startOrigin, waitForPort, type Child } from './helpers.js';
import { workerdBinary } from './binaries.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKERD = workerdBinary();
const TEMPLATE = join(ROOT, 'test/interop/fixtures/workerd/config.capnp');
const SECRET = 'workerd-interop-secret-0123456789abcdef';
const ST_SECRET = 'workerd-legacy-secret-0123456789abcdef';
const KEYRING = JSON.stringify({ active: 'w1', kids: { w1: SECRET }, secureToken: [ST_SECRET] });

let dir = '';
let base = '';
let brokenBase = '';
let workerd: Child | undefined;
let origin: Awaited<ReturnType<typeof startOrigin>>;

const now = () => Math.floor(Date.now() / 1000);
const jwt = (claims: Record<string, unknown>) => hs256(SECRET, 'w1', { iat: now(), exp: now() + 300, ...claims });

beforeAll(async () => {
  origin = await startOrigin((req) =>
    req.url.endsWith('.m3u8')
      ? { headers: { 'content-type': 'application/vnd.apple.mpegurl' }, body: '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg-1.ts\n#EXT-X-ENDLIST\n' }
      : { body: `origin body for ${req.url}` },
  );
  dir = mkdtempSync(join(tmpdir(), 'urlseal-workerd-'));
  const [port, brokenPort] = [await freePort(), await freePort()];
  await bundleExampleWorker(join(dir, 'worker.js'));
  writeFileSync(join(dir, 'keyring.txt'), KEYRING);
  writeFileSync(join(dir, 'broken-keyring.txt'), JSON.stringify({ kids: { w1: 'short' } }));
  writeFileSync(join(dir, 'origin.txt'), origin.url);
  writeFileSync(
    join(dir, 'config.capnp'),
    readFileSync(TEMPLATE, 'utf8').replaceAll('@PORT@', String(port)).replaceAll('@BROKEN_PORT@', String(brokenPort)),
  );
  workerd = startChild(WORKERD, ['serve', join(dir, 'config.capnp')], { cwd: dir });
  await waitForPort(port, 30_000, () => workerd?.exited());
  await waitForPort(brokenPort, 30_000, () => workerd?.exited());
  base = `http://127.0.0.1:${port}`;
  brokenBase = `http://127.0.0.1:${brokenPort}`;
});

afterAll(async () => {
  await workerd?.stop();
  await origin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function denied(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('x-urlseal-error')).toBe(code);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toEqual({ error: code });
}

describe('dist/worker.js in workerd', () => {
  it('grants a path token: 200 with the origin body, token stripped before the origin', async () => {
    const token = jwt({ path: '/videos/*' });
    const res = await fetch(`${base}/_token/${token}/videos/a.mp4?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toBe('origin body for /videos/a.mp4?x=1');
    const seen = origin.seen.at(-1);
    expect(seen?.url).toBe('/videos/a.mp4?x=1');
    expect(JSON.stringify(seen)).not.toContain(token);
  });

  it('grants query, Bearer and cookie tokens and removes every carrier', async () => {
    const token = jwt({ path: '/videos/a.mp4' });
    const q = await fetch(`${base}/videos/a.mp4?token=${token}&keep=1`);
    expect(q.status).toBe(200);
    expect(origin.seen.at(-1)?.url).toBe('/videos/a.mp4?keep=1');
    const h = await fetch(`${base}/videos/a.mp4`, { headers: { authorization: `Bearer ${token}`, cookie: `a=1; urlseal=${token}` } });
    expect(h.status).toBe(200);
    expect(origin.seen.at(-1)?.headers.authorization).toBeUndefined();
    expect(origin.seen.at(-1)?.headers.cookie).toBe('a=1');
    const c = await fetch(`${base}/videos/a.mp4`, { headers: { cookie: `urlseal=${token}` } });
    expect(c.status).toBe(200);
    expect(origin.seen.at(-1)?.headers.cookie).toBeUndefined();
    expect(JSON.stringify(origin.seen)).not.toContain(token);
  });

  it('grants a legacy secure-token URL (md5 on the Web backend)', async () => {
    const { createHash } = await import('node:crypto');
    const e = String(now() + 300);
    const st = createHash('md5').update(`${ST_SECRET}/files/a b.txt${e}`).digest('base64url');
    const res = await fetch(`${base}/files/a%20b.txt?st=${st}&e=${e}`);
    expect(res.status).toBe(200);
    expect(origin.seen.at(-1)?.url).toBe('/files/a%20b.txt');
  });

  it('answers each denial with its SPEC §7 status and code', async () => {
    const token = jwt({ path: '/videos/*' });
    await denied(await fetch(`${base}/videos/a.mp4`), 401, 'ERR_TOKEN_MISSING');
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA');
    await denied(await fetch(`${base}/_token/${tampered}/videos/a.mp4`), 403, 'ERR_SIGNATURE_INVALID');
    const expired = hs256(SECRET, 'w1', { iat: now() - 600, exp: now() - 120, path: '/videos/*' });
    await denied(await fetch(`${base}/_token/${expired}/videos/a.mp4`), 410, 'ERR_TOKEN_EXPIRED');
    await denied(await fetch(`${base}/_token/${token}/private/a.mp4`), 403, 'ERR_PATH_MISMATCH');
    await denied(await fetch(`${base}/_token/${token}/videos/a.mp4`, { method: 'POST', body: 'x' }), 405, 'ERR_METHOD_NOT_ALLOWED');
    await denied(await fetch(`${base}/videos/a.mp4?token=x`), 401, 'ERR_TOKEN_MALFORMED');
    const missing = await fetch(`${base}/videos/a.mp4`);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(origin.seen.some((r) => r.url.startsWith('/private') || r.method === 'POST')).toBe(false);
  });

  it('takes the client address for ip claims from CF-Connecting-IP', async () => {
    const token = jwt({ path: '/videos/*', ip: '198.51.100.0/24' });
    const url = `${base}/_token/${token}/videos/a.mp4`;
    expect((await fetch(url, { headers: { 'cf-connecting-ip': '198.51.100.9' } })).status).toBe(200);
    await denied(await fetch(url, { headers: { 'cf-connecting-ip': '203.0.113.9' } }), 403, 'ERR_IP_MISMATCH');
    await denied(await fetch(url), 403, 'ERR_IP_MISMATCH');
  });

  it('rewrites an HLS manifest served to a query-token request', async () => {
    const token = jwt({ path: '/hls/*' });
    const res = await fetch(`${base}/hls/index.m3u8?token=${token}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`seg-1.ts?token=${token}`);
  });

  it('answers 503 ERR_KEYRING_UNAVAILABLE with a broken keyring', async () => {
    await denied(await fetch(`${brokenBase}/_token/${jwt({ path: '/videos/*' })}/videos/a.mp4`), 503, 'ERR_KEYRING_UNAVAILABLE');
  });
});
