// `urlseal serve` as a subprocess of the built CLI: start-up line, grants and denials,
// access log without tokens, exit 2 on an unusable keyring, graceful SIGTERM, and a
// 256 MiB body streamed through with flat memory (peak RSS of the edge process).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, hs256, startChild, waitForOutput, waitForPort, type Child } from './helpers.js';
import { urlsealHere } from '../../packages/sdk/test/cli/run.js';

const BIN = fileURLToPath(new URL('../../packages/sdk/bin/urlseal.js', import.meta.url));
const SECRET = 'cli-serve-secret-0123456789abcdefghijk';
const KEYRING = JSON.stringify({ active: 's1', kids: { s1: SECRET } });
const BIG = 256 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-serve-'));
const keyringFile = join(dir, 'keyring.json');
writeFileSync(keyringFile, KEYRING, { mode: 0o600 });

const now = () => Math.floor(Date.now() / 1000);
const token = (path: string) => hs256(SECRET, 's1', { iat: now(), exp: now() + 300, path });

let origin: Server;
let originUrl = '';
let edge: Child | undefined;
let base = '';

/** Peak resident memory of a process, in bytes (Linux /proc). */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Called when the origin receives a request for /slow. */
let slowReached: (() => void) | undefined;

beforeAll(async () => {
  origin = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG });
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const pump = () => {
        while (sent < BIG) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    if (req.url === '/slow') {
      slowReached?.();
      return void setTimeout(() => res.end('finished'), 500);
    }
    res.end(`origin saw ${req.url}`);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const port = await freePort();
  edge = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--keyring', keyringFile, '--port', String(port)]);
  await waitForPort(port, 20_000, () => edge?.exited());
  await waitForOutput(edge, 'urlseal edge listening on');
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await edge?.stop();
  origin.closeAllConnections();
  await new Promise((r) => origin.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('urlseal serve', () => {
  it('prints the listening line, grants, denies, and logs without tokens', async () => {
    expect(edge?.stdout()).toContain(`urlseal edge listening on ${base}\n`);
    const t = token('/v/*');
    const ok = await fetch(`${base}/_token/${t}/v/a.txt?x=1`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('origin saw /v/a.txt?x=1');
    const missing = await fetch(`${base}/v/a.txt`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-urlseal-error')).toBe('ERR_TOKEN_MISSING');
    const bad = await fetch(`${base}/v/a.txt?token=${t}x`);
    expect(bad.status).toBe(403);
    // The access log line of the last request: each line is written as its response ends, in order.
    await expect.poll(() => edge?.stdout() ?? '', { timeout: 5000, interval: 10 }).toContain('"code":"ERR_SIGNATURE_INVALID"');
    const lines = (edge?.stdout() ?? '').trim().split('\n').slice(1).map((l) => JSON.parse(l));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/v/a.txt', status: 200, code: null }),
        expect.objectContaining({ method: 'GET', path: '/v/a.txt', status: 401, code: 'ERR_TOKEN_MISSING' }),
        expect.objectContaining({ method: 'GET', path: '/v/a.txt', status: 403, code: 'ERR_SIGNATURE_INVALID' }),
      ]),
    );
    expect(edge?.stdout()).not.toContain(t.split('.')[2]);
  });

  it('streams a 256 MiB body with flat memory', async () => {
    const pid = edge?.proc.pid as number;
    await fetch(`${base}/x?token=${token('/x')}`).then((r) => r.text()); // warm up
    const before = peakRss(pid);
    const received = await new Promise<number>((resolve, reject) => {
      httpRequest(`${base}/big?token=${token('/big')}`, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    expect(received).toBe(BIG);
    const growth = peakRss(pid) - before;
    console.log(`serve: peak RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB while streaming 256 MiB`);
    expect(growth, `peak RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(64 * 2 ** 20);
  }, 120_000);

  it('exits 2 with one stderr line on an unusable keyring, and reads env URLSEAL_KEYRING', async () => {
    const short = join(dir, 'short.json');
    writeFileSync(short, '{"kids":{"k":"too-short"}}');
    const { URLSEAL_KEYRING: _drop, ...env } = process.env;
    // A keyring file that cannot be used: the built CLI in a child process, which also shows it exits (the file was opened and watched).
    for (const args of [
      ['--keyring', short],
      ['--keyring', join(dir, 'missing.json')],
    ]) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--origin', originUrl, '--port', '0', ...args], { env, encoding: 'utf8', timeout: 15_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    // No keyring, or env URLSEAL_KEYRING unusable: refused before anything is opened, main(argv) in process.
    const none = await urlsealHere(['serve', '--origin', originUrl, '--port', '0']);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stdout).toBe('');
    const envBad = await urlsealHere(['serve', '--origin', originUrl, '--port', '0'], { URLSEAL_KEYRING: '{"kids":{}}' });
    expect(envBad.code).toBe(2);
  });

  it('--trust-proxy N takes the N-th X-Forwarded-For entry from the right; bare --trust-proxy is 1', async () => {
    const ipToken = hs256(SECRET, 's1', { iat: now(), exp: now() + 300, path: '/ip', ip: '203.0.113.0/24' });
    const status = async (flags: string[], xff: string) => {
      const port = await freePort();
      const child = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--keyring', keyringFile, '--port', String(port), ...flags]);
      try {
        await waitForPort(port, 20_000, () => child.exited());
        return (await fetch(`http://127.0.0.1:${port}/ip?token=${ipToken}`, { headers: { 'x-forwarded-for': xff } })).status;
      } finally {
        await child.stop();
      }
    };
    // Five edges of their own, started at once.
    const statuses = await Promise.all([
      status([], '203.0.113.9'),
      status(['--trust-proxy'], '203.0.113.9'),
      status(['--trust-proxy', '--host', '127.0.0.1'], '198.51.100.1, 203.0.113.9'),
      status(['--trust-proxy', '2'], '203.0.113.9, 10.0.0.1'),
      status(['--trust-proxy=1'], '203.0.113.9, 10.0.0.1'),
    ]);
    expect(statuses[0]).toBe(403); // untrusted: the socket peer (127.0.0.1) counts
    expect(statuses[1]).toBe(200);
    expect(statuses[2]).toBe(200);
    expect(statuses[3]).toBe(200);
    expect(statuses[4]).toBe(403); // the client wrote the first entry
    // Refused while reading the flags, before anything is opened: main(argv) in process.
    const bad = await urlsealHere(['serve', '--origin', originUrl, '--keyring', keyringFile, '--trust-proxy=x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--trust-proxy takes/);
  }, 60_000);

  it('with env URLSEAL_KEYRING: on SIGTERM finishes in-flight requests and exits 0', async () => {
    const port = await freePort();
    const { URLSEAL_KEYRING: _drop, ...env } = process.env;
    const child = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...env, URLSEAL_KEYRING: KEYRING },
    });
    try {
      await waitForPort(port, 20_000, () => child.exited());
      const reached = new Promise<void>((resolve) => (slowReached = resolve));
      const pending = fetch(`http://127.0.0.1:${port}/slow?token=${token('/slow')}`).then(async (r) => [r.status, await r.text()]);
      await reached; // in flight: the origin has the request
      const code = await child.stop('SIGTERM');
      expect(await pending).toEqual([200, 'finished']);
      expect(code).toBe(0);
    } finally {
      await child.stop('SIGKILL');
    }
  });
});
