// Operating `urlseal serve`: the keyring file re-read on change and on SIGHUP
// (garbage keeps the last good one), --metrics on its own listener, --keyring-url
// with the key server down at start (503, then recovery), bad flags exit 2, and
// SIGTERM with --grace. Flags refused before anything opens run main(argv) in process
// (packages/sdk/test/cli/run.ts); everything else is the built CLI in a child process.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { URLSEAL_BIN as BIN, freePort, hs256, startChild, startServe, waitForOutput, type Child } from './helpers.js';
import { urlsealHere } from '../../packages/sdk/test/cli/run.js';

const A = 'serve-ops-secret-a-0123456789abcdefghij';
const B = 'serve-ops-secret-b-0123456789abcdefghij';
const now = () => Math.floor(Date.now() / 1000);
const token = (kid: string, secret: string) => hs256(secret, kid, { iat: now(), exp: now() + 300, path: '/v/*' });
const dir = mkdtempSync(join(tmpdir(), 'urlseal-serve-ops-'));

let origin: Server;
let originUrl = '';
/** Called when the origin receives a request for /v/slow.mp4. */
let slowReached: (() => void) | undefined;
const children: Child[] = [];

beforeAll(async () => {
  origin = createServer((req, res) => {
    if (req.url === '/v/slow.mp4') {
      slowReached?.();
      return void setTimeout(() => res.end('slow done'), 3000);
    }
    res.end(`origin ${req.url}`);
  });
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
  const started = await startServe(originUrl, args);
  children.push(started.child);
  return started;
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const metric = (text: string, line: string): number => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('urlseal serve: keyring file, metrics, signals', () => {
  it('re-reads the keyring file on change and on SIGHUP, keeps the last good one, serves metrics apart', async () => {
    const file = join(dir, 'keyring.json');
    writeFileSync(file, JSON.stringify({ kids: { a: A } }));
    const metricsPort = await freePort();
    const { child, base } = await serve(['--keyring', file, '--metrics', `127.0.0.1:${metricsPort}`]);
    // The two lines are written by two listeners: wait for the second rather than race it.
    await waitForOutput(child, `urlseal metrics on http://127.0.0.1:${metricsPort}/metrics`);
    const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

    expect((await fetch(`${base}/v/a.mp4?token=${token('a', A)}`)).status).toBe(200);
    expect((await fetch(`${base}/v/a.mp4?token=${token('b', B)}`)).headers.get('x-urlseal-error')).toBe('ERR_KID_UNKNOWN');
    // Metrics never on the public port: there /metrics is a path like any other, and needs a token.
    expect((await fetch(`${base}/metrics`)).status).toBe(401);

    writeFileSync(`${file}.tmp`, JSON.stringify({ kids: { a: A, b: B } }));
    renameSync(`${file}.tmp`, file);
    await until(async () => (await fetch(`${base}/v/a.mp4?token=${token('b', B)}`)).status === 200, 'kid b to be accepted');

    writeFileSync(file, '{"kids": garbage');
    await until(() => child.stderr().includes('"result":"invalid"'), 'the invalid-keyring line');
    expect((await fetch(`${base}/v/a.mp4?token=${token('b', B)}`)).status).toBe(200);
    const invalidBefore = metric(await scrape(), 'urlseal_keyring_reloads_total{result="invalid"}');
    child.proc.kill('SIGHUP'); // re-reads now (the same garbage), and does not end the process
    await until(async () => metric(await scrape(), 'urlseal_keyring_reloads_total{result="invalid"}') === invalidBefore + 1, 'the SIGHUP re-read');
    expect(child.exited()).toBeUndefined();
    expect((await fetch(`${base}/v/a.mp4?token=${token('a', A)}`)).status).toBe(200);

    const line = child.stderr().split('\n').find((l) => l.includes('"result":"invalid"')) as string;
    expect(JSON.parse(line)).toEqual({ event: 'keyring', source: `file ${file}`, result: 'invalid', reason: 'keyring: is not valid JSON at line 1, column 10: expected a value (true, false, null, a number, a string, an object or an array)', kept: 'last good keyring' });
    // One line for the invalid file, however often it is re-read.
    expect(child.stderr().match(/"result":"invalid"/g)).toHaveLength(1);
    const text = await scrape();
    expect(metric(text, 'urlseal_decisions_total{result="granted",code="none",scheme="jwt"}')).toBeGreaterThanOrEqual(4);
    expect(metric(text, 'urlseal_keyring_loaded')).toBe(1);
    expect(text).toContain('process_resident_memory_bytes');
    // Prometheus's own linter (Debian prometheus, installed by scripts/test-deps.sh) accepts every name.
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error, 'promtool must be installed (bash scripts/test-deps.sh)').toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    expect(await child.stop('SIGTERM')).toBe(0);
  });

  it('--keyring-url: answers 503 while the key server is down at start, then serves once it answers', async () => {
    const keysPort = await freePort();
    const { child, base } = await serve(['--keyring-url', `http://127.0.0.1:${keysPort}/keys.json`, '--keyring-refresh', '1s']);
    const denied = await fetch(`${base}/v/a.mp4?token=${token('a', A)}`);
    expect(denied.status).toBe(503);
    expect(await denied.json()).toEqual({ error: 'ERR_KEYRING_UNAVAILABLE' });
    expect(child.stderr()).toContain('"result":"unavailable"');
    const keys = createServer((_req, res) => res.writeHead(200, { etag: '"v1"' }).end(JSON.stringify({ kids: { a: A } })));
    await new Promise<void>((resolve) => keys.listen(keysPort, '127.0.0.1', resolve));
    try {
      await until(async () => (await fetch(`${base}/v/a.mp4?token=${token('a', A)}`)).status === 200, 'the first successful fetch', 15_000);
    } finally {
      keys.closeAllConnections();
      await new Promise((resolve) => keys.close(resolve));
    }
    expect(await child.stop('SIGTERM')).toBe(0);
  });

  it('SIGTERM: a request longer than --grace is cut at the deadline, and the process exits 0', async () => {
    const file = join(dir, 'grace.json');
    writeFileSync(file, JSON.stringify({ kids: { a: A } }));
    const { child, base } = await serve(['--keyring', file, '--grace', '0.5']);
    const reached = new Promise<void>((resolve) => (slowReached = resolve));
    const slow = fetch(`${base}/v/slow.mp4?token=${token('a', A)}`).then((res) => res.text()).then(
      (body) => body,
      () => 'cut',
    );
    await reached; // in flight: the origin has the request
    const started = Date.now();
    expect(await child.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await slow).toBe('cut');
  });

  it('exits 2 with one line on an unusable keyring or bad flags', async () => {
    const env = { ...process.env, URLSEAL_KEYRING: '' };
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'serve', '--origin', originUrl, '--port', '0', ...args], { encoding: 'utf8', env });
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, 'nope');
    // A keyring file that cannot be used: the built CLI in a child process, which also shows it exits (the file was opened and watched).
    const unusable: Array<[string[], RegExp]> = [
      [['--keyring', join(dir, 'missing.json')], /unusable keyring .*missing\.json: cannot read .* \(ENOENT\)/],
      [['--keyring', garbage], /unusable keyring .*garbage\.json: keyring: is not valid JSON/],
    ];
    // Refused while reading the flags, before anything is opened: main(argv) in process.
    const flags: Array<[string[], RegExp]> = [
      [['--keyring', garbage, '--keyring-url', 'https://keys.example.com/k.json'], /not both/],
      [['--keyring-url', 'http://keys.example.com/k.json'], /--keyring-url: the keyring URL must be https:\/\//],
      [['--keyring', garbage, '--max-stale', '1h'], /--max-stale goes with --keyring-url/],
      [['--keyring-url', 'https://keys.example.com/k.json', '--max-stale', 'soon'], /--max-stale/],
      // Beyond what a timer holds (2^31 - 1 ms): the flag is named, never keyringUrl's option in ms.
      [['--keyring-url', 'https://keys.example.com/k.json', '--keyring-refresh', '30d'], /^urlseal serve: --keyring-refresh takes a duration such as 90s, 5m, 1h or 7d: more than 0 and at most 24d\n$/],
      [['--keyring', ''], /^urlseal serve: --keyring needs a file path \(or leave it out and set URLSEAL_KEYRING\)\n$/],
      [['--metrics', 'nope'], /--metrics takes HOST:PORT/],
      [['--grace=soon'], /--grace takes seconds/],
    ];
    const results: Array<[string[], RegExp, { code: number | null; stderr: string }]> = [
      ...unusable.map(([args, message]) => {
        const result = run(...args);
        return [args, message, { code: result.status, stderr: result.stderr }] as [string[], RegExp, { code: number | null; stderr: string }];
      }),
    ];
    for (const [args, message] of flags) {
      results.push([args, message, await urlsealHere(['serve', '--origin', originUrl, '--port', '0', ...args], { URLSEAL_KEYRING: '' })]);
    }
    for (const [args, message, result] of results) {
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('a keyring file replaced by a FIFO never freezes the edge: refused without blocking, the last good keyring serves, a good file is taken again (issue 20)', async () => {
    const file = join(dir, 'fifo-keyring.json');
    writeFileSync(file, JSON.stringify({ kids: { a: A } }), { mode: 0o600 });
    const { child, base } = await serve(['--keyring', file]);
    const ask = async (t: string) => (await fetch(`${base}/v/a.mp4?token=${t}`, { signal: AbortSignal.timeout(3000) })).status;
    expect(await ask(token('a', A))).toBe(200);

    // A FIFO renamed over the keyring (no writer ever opens it): the watch and a SIGHUP both see it.
    execFileSync('mkfifo', ['-m', '600', `${file}.fifo`]);
    renameSync(`${file}.fifo`, file);
    child.proc.kill('SIGHUP');
    await until(() => /"result":"unavailable","reason":"[^"]*fifo-keyring\.json is a FIFO, not a regular file/.test(child.stderr()), 'the FIFO refused', 5000);
    expect(await ask(token('a', A))).toBe(200); // still answering, with the last good keyring
    expect(await ask(token('b', B))).toBe(401);

    // A good file again (a new kid): taken at once, as if nothing happened.
    writeFileSync(`${file}.tmp`, JSON.stringify({ kids: { b: B } }), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    await until(() => /"result":"loaded"/.test(child.stderr()), 'the good file loaded', 5000);
    expect(await ask(token('b', B))).toBe(200);
    expect(await ask(token('a', A))).toBe(401);
    await child.stop();

    // The CLI's one-shot commands refuse a FIFO as -k too, at once, one line.
    const fifo = join(dir, 'cli.fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const sign = spawnSync(process.execPath, [BIN, 'sign', '/v/a.mp4', '-k', fifo], { encoding: 'utf8', timeout: 5000 });
    expect([sign.status, sign.stderr]).toEqual([2, `urlseal sign: keyring file ${fifo} is a FIFO; give the path of the keyring JSON file\n`]);
  });

  it('SIGHUP during start-up (the first --keyring-url fetch still under way) does not end serve (issue 20)', async () => {
    let release: () => void = () => {};
    let asked = 0;
    const keys = createServer((_req, res) => {
      asked++;
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kids: { a: A } }));
      if (asked === 1) release = answer; // the first answer waits for the test
      else answer();
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    try {
      const port = await freePort();
      const child = startChild(process.execPath, [BIN, 'serve', '--origin', originUrl, '--keyring-url', `http://127.0.0.1:${(keys.address() as AddressInfo).port}/k.json`, '--port', String(port)]);
      children.push(child);
      await until(() => asked > 0 || child.exited() !== undefined, 'the first keyring fetch');
      child.proc.kill('SIGHUP'); // start-up: the process waits for that fetch before it listens
      release();
      await waitForOutput(child, 'urlseal edge listening on');
      expect(child.exited()).toBeUndefined();
      expect((await fetch(`http://127.0.0.1:${port}/v/a.mp4?token=${token('a', A)}`)).status).toBe(200);
      child.proc.kill('SIGHUP'); // and once serving, SIGHUP re-fetches
      await until(() => asked === 2, 'the SIGHUP re-fetch');
      expect((await fetch(`http://127.0.0.1:${port}/v/a.mp4?token=${token('a', A)}`)).status).toBe(200);
      expect(child.exited()).toBeUndefined();
      await child.stop();
    } finally {
      keys.closeAllConnections();
      await new Promise((resolve) => keys.close(resolve));
    }
  });
});
