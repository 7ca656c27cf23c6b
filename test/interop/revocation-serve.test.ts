// Revocation through `urlseal serve` as a subprocess (issue 18): a revocation
// file written by `urlseal revoke` (atomically, 0600) and re-read by serve; the
// same list served over HTTP by a real server on 127.0.0.1 and fetched by serve; two
// serve instances sharing one real redis-server, a revocation through the store
// seen by both within the cache TTL; a store fault answered as --on-store-error says.
// `urlseal revoke` on a file, and serve's flags refused before anything opens, run main(argv)
// in process (packages/sdk/test/cli/run.ts); revoke on redis, and serve, as the built CLI in a
// child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { URLSEAL_BIN as BIN, freePort, hs256, startServe, type Child } from './helpers.js';
import { startRedis } from './redis.js';
import { urlsealHere } from '../../packages/sdk/test/cli/run.js';

const SECRET = 'revocation-serve-secret-0123456789abcdef';
const KEYRING = JSON.stringify({ kids: { k1: SECRET } });
const now = () => Math.floor(Date.now() / 1000);
const token = (extra: Record<string, unknown>) => hs256(SECRET, 'k1', { iat: now() - 5, exp: now() + 300, path: '/v/*', ...extra });
const dir = mkdtempSync(join(tmpdir(), 'urlseal-revocation-serve-'));
const env = { ...process.env, URLSEAL_KEYRING: KEYRING };

let origin: Server;
let originUrl = '';
const children: Child[] = [];

beforeAll(async () => {
  origin = createServer((req, res) => void res.end(`origin ${req.url}`));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<{ child: Child; base: string }> {
  const started = await startServe(originUrl, args, env);
  children.push(started.child);
  return started;
}

const urlseal = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });

async function answer(base: string, jwt: string): Promise<string> {
  const response = await fetch(`${base}/v/a.mp4?token=${jwt}`);
  await response.arrayBuffer();
  return `${response.status} ${response.headers.get('x-urlseal-error') ?? ''}`.trim();
}

describe('urlseal serve --revocations FILE', () => {
  it('refuses --revocations without an explicit --on-store-error, and a bad choice', async () => {
    const file = join(dir, 'none.json');
    writeFileSync(file, '{}');
    // Flags refused before anything is opened: main(argv) in process.
    const missing = await urlsealHere(['serve', '--origin', originUrl, '--revocations', file], { URLSEAL_KEYRING: KEYRING });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--revocations needs --on-store-error deny .* or --on-store-error allow/);
    const bad = await urlsealHere(['serve', '--origin', originUrl, '--revocations', file, '--on-store-error', 'pass'], { URLSEAL_KEYRING: KEYRING });
    expect(bad.code).toBe(2);
    const unusable = urlseal(['serve', '--origin', originUrl, '--revocations', join(dir, 'nope.json'), '--on-store-error', 'deny']);
    expect(unusable.status).toBe(2);
    expect(unusable.stderr).toMatch(/unusable revocation file .*nope\.json: cannot read/);
  });

  it('urlseal revoke writes the file (0600); serve denies the user within its cache TTL, and lets others pass', async () => {
    const file = join(dir, 'revocations.json');
    writeFileSync(file, '{}');
    const { base, child } = await serve(['--revocations', file, '--on-store-error', 'deny', '--revocation-cache', '1']);
    const ada = token({ sub: 'ada' });
    expect(await answer(base, ada)).toBe('200');

    const revoked = await urlsealHere(['revoke', '--file', file, '--sub', 'ada']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked tokens of that user issued before \d{4}-/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const started = Date.now();
    await expect.poll(() => answer(base, ada), { timeout: 5000, interval: 50 }).toBe('403 ERR_TOKEN_REVOKED');
    const delay = Date.now() - started;
    expect(delay).toBeLessThan(3000); // cache 1 s + the watcher
    expect(await answer(base, token({ sub: 'bob' }))).toBe('200');
    expect(await answer(base, token({}))).toBe('200');
    // A link signed after the revocation works again.
    expect(await answer(base, token({ sub: 'ada', iat: now() + 1 }))).toBe('200');

    expect((await urlsealHere(['revoke', '--file', file, '--sid', 'login-7'])).code).toBe(0);
    await expect.poll(() => answer(base, token({ sid: 'login-7' })), { timeout: 5000, interval: 50 }).toBe('403 ERR_TOKEN_REVOKED');
    const list = await urlsealHere(['revoke', '--file', file, '--list']);
    expect(Object.keys((JSON.parse(list.stdout) as { sub: object }).sub)).toEqual(['ada']);
    expect(Object.keys((JSON.parse(list.stdout) as { sid: object }).sid)).toEqual(['login-7']);

    // A garbage file keeps the last good list.
    writeFileSync(file, 'garbage');
    await expect.poll(() => child.stderr(), { timeout: 5000, interval: 50 }).toMatch(/"event":"revocations".*"result":"invalid".*"kept":"last good list"/);
    // A sub/sid pair never asked before: answered from the list, not from the cache.
    expect(await answer(base, token({ sub: 'ada', sid: 'fresh' }))).toBe('403 ERR_TOKEN_REVOKED');
    // revoke refuses to overwrite a file it cannot read as a list.
    const refused = await urlsealHere(['revoke', '--file', file, '--sub', 'bob']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a revocation list/);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
  });

  it('urlseal revoke: flags that do not go together are refused with one line', async () => {
    const file = join(dir, 'flags.json');
    for (const args of [['--sub', 'a', '--sid', 'b'], ['--sid', 'b', '--before', 'now'], ['--sub', 'a', '--before', 'yesterday'], []]) {
      const ran = await urlsealHere(['revoke', '--file', file, ...args]);
      expect(ran.code).toBe(2);
      expect(ran.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('urlseal serve --revocations URL (a real HTTP server on 127.0.0.1)', () => {
  let lists: Server;
  let listUrl = '';
  let answerWith: 'file' | 'error' = 'file';
  const file = join(dir, 'served-revocations.json');
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    writeFileSync(file, '{}');
    lists = createServer((req, res) => {
      seen.push(req.headers['if-none-match']);
      if (answerWith === 'error') return void res.writeHead(500).end();
      const body = readFileSync(file, 'utf8');
      const etag = `"${body.length}-${Buffer.from(body).toString('base64url').slice(-12)}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
    });
    await new Promise<void>((resolve) => lists.listen(0, '127.0.0.1', resolve));
    listUrl = `http://127.0.0.1:${(lists.address() as AddressInfo).port}/urlseal/revocations.json`;
  });
  afterAll(async () => {
    lists.closeAllConnections();
    await new Promise((resolve) => lists.close(resolve));
  });

  it('refuses a URL whose first fetch fails, and --revocation-refresh/--revocation-max-stale without a URL', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}/revocations.json`;
    const down = urlseal(['serve', '--origin', originUrl, '--revocations', nobody, '--on-store-error', 'deny']);
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(/unusable revocation list at http:\/\/127\.0\.0\.1:\d+\/revocations\.json: fetch failed \(ECONNREFUSED\)/);
    // Refused while reading the flags, before anything is opened: main(argv) in process.
    const plain = await urlsealHere(['serve', '--origin', originUrl, '--revocations', 'http://lists.example.com/r.json', '--on-store-error', 'deny'], { URLSEAL_KEYRING: KEYRING });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/must be https:\/\//);
    const onFile = await urlsealHere(['serve', '--origin', originUrl, '--revocations', file, '--on-store-error', 'deny', '--revocation-refresh', '5s'], { URLSEAL_KEYRING: KEYRING });
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/--revocation-refresh goes with --revocations https:/);
  });

  it('urlseal revoke writes the list the URL serves; serve denies the user within refresh + cache TTL, asks with If-None-Match, and turns to --on-store-error after max-stale', async () => {
    const metricsPort = await freePort();
    const { base } = await serve(['--revocations', listUrl, '--on-store-error', 'deny', '--revocation-cache', '1', '--revocation-refresh', '1s', '--revocation-max-stale', '3s', '--metrics', `127.0.0.1:${metricsPort}`]);
    const ada = token({ sub: 'ada' });
    expect(await answer(base, ada)).toBe('200');
    expect((await urlsealHere(['revoke', '--file', file, '--sub', 'ada'])).code).toBe(0);
    const started = Date.now();
    await expect.poll(() => answer(base, ada), { timeout: 8000, interval: 50 }).toBe('403 ERR_TOKEN_REVOKED');
    expect(Date.now() - started).toBeLessThan(5000); // refresh 1 s + cache 1 s, on a loaded machine
    expect(await answer(base, token({ sub: 'bob' }))).toBe('200');
    await expect.poll(() => seen.some((etag) => etag !== undefined), { timeout: 5000, interval: 50 }).toBe(true);
    // Lookups are labelled by the source's kind, url, never by a subject.
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(Number(/^urlseal_revocation_lookups_total\{source="url",result="entry"\} (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/ada|bob/);

    answerWith = 'error';
    await expect.poll(() => answer(base, token({ sub: 'cy' })), { timeout: 10_000, interval: 100 }).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(base, token({}))).toBe('200'); // no sub, no sid: no lookup
    answerWith = 'file';
    await expect.poll(() => answer(base, token({ sub: 'dee' })), { timeout: 10_000, interval: 100 }).toBe('200');
  }, 30_000);
});

describe('two urlseal serve instances sharing one redis-server', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis(dir);
  }, 20_000);
  afterAll(() => redis?.stop());

  it('a revocation written to the store is seen by both within the cache TTL; a store fault answers 503 with deny', async () => {
    const args = ['--revocations', redis.url, '--on-store-error', 'deny', '--revocation-cache', '1'];
    const metricsPort = await freePort();
    const [a, b] = await Promise.all([serve([...args, '--metrics', `127.0.0.1:${metricsPort}`]), serve(args)]);
    const ada = token({ sub: 'ada' });
    // Both caches warm with "not revoked".
    expect(await answer(a.base, ada)).toBe('200');
    expect(await answer(b.base, ada)).toBe('200');

    const revoked = urlseal(['revoke', '--file', redis.url, '--sub', 'ada']);
    expect(revoked.status, revoked.stderr).toBe(0);
    const started = Date.now();
    await expect.poll(() => answer(a.base, ada), { timeout: 5000, interval: 50 }).toBe('403 ERR_TOKEN_REVOKED');
    await expect.poll(() => answer(b.base, ada), { timeout: 5000, interval: 50 }).toBe('403 ERR_TOKEN_REVOKED');
    expect(Date.now() - started).toBeLessThan(2500); // cache TTL 1 s
    expect(await answer(b.base, token({ sub: 'bob' }))).toBe('200');

    const list = urlseal(['revoke', '--file', redis.url, '--list']);
    expect(Object.keys((JSON.parse(list.stdout) as { sub: object }).sub)).toEqual(['ada']);

    await redis.stop();
    await expect.poll(() => answer(a.base, token({ sub: 'cy' })), { timeout: 5000, interval: 50 }).toBe('503 ERR_REVOCATION_UNAVAILABLE');
    expect(await answer(a.base, token({}))).toBe('200'); // no sub, no sid: no lookup

    // Lookups by outcome and their latency, promtool-clean; never a subject in a label.
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const count = (result: string) => Number(new RegExp(`^urlseal_revocation_lookups_total\\{source="redis",result="${result}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(count('entry')).toBeGreaterThanOrEqual(1);
    expect(count('none')).toBeGreaterThanOrEqual(1);
    expect(count('error')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^urlseal_revocation_lookup_duration_seconds_count\{source="redis"\} \d+$/m);
    expect(text).toMatch(/^urlseal_decisions_total\{result="denied",code="ERR_TOKEN_REVOKED",scheme="jwt"\} \d+$/m);
    expect(text).not.toMatch(/ada|bob|cy/);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error, 'promtool must be installed (bash scripts/test-deps.sh)').toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
  }, 30_000);
});
