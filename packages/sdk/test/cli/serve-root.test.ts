// `urlseal serve --root DIR`: the built CLI as a subprocess serving a temp folder through
// the edge (streamed, Range, HEAD, conditional requests), plus the file origin on its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { chooseRange, startFileOrigin } from '../../src/cli/file-origin.js';
import { freePort, startChild, waitForOutput, type Child } from '../../../../test/interop/helpers.js';
import { urlsealHere } from './run.js';

const BIN = fileURLToPath(new URL('../../bin/urlseal.js', import.meta.url));
const KEYRING = { active: 'r1', kids: { r1: 'serve-root-secret-0123456789abcdefghij' } };
const dir = mkdtempSync(join(tmpdir(), 'urlseal-serve-root-'));
const media = join(dir, 'media');
const keyringFile = join(dir, 'keyring.json');
const BIG = Buffer.alloc(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff);
const signer = createSigner({ keyring: KEYRING });

let edge: Child | undefined;
let base = '';

beforeAll(async () => {
  mkdirSync(join(media, 'videos', 'course-1'), { recursive: true });
  writeFileSync(join(media, 'videos', 'course-1', 'intro.txt'), 'Hello from the origin\n');
  writeFileSync(join(media, 'videos', 'course-1', 'big.bin'), BIG);
  writeFileSync(join(media, 'videos', 'course-1', 'aula ção.vtt'), 'WEBVTT\n');
  writeFileSync(join(media, '.env'), 'SECRET=1\n');
  writeFileSync(join(dir, 'outside.txt'), 'not in the folder\n');
  symlinkSync(join(dir, 'outside.txt'), join(media, 'videos', 'escape.txt'));
  writeFileSync(keyringFile, JSON.stringify(KEYRING), { mode: 0o600 });
  edge = startChild(process.execPath, [BIN, 'serve', '--root', media, '-k', keyringFile, '--port', '0']);
  await waitForOutput(edge, '\n');
  base = /listening on (http:\/\/[^ ]+)/.exec(edge.stdout())?.[1] ?? '';
});

afterAll(async () => {
  await edge?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${base}${signer.signUrl(path, { grant: '/*', grantAll: true })}`, { method, headers });

describe('urlseal serve --root', () => {
  it('announces the folder and serves a file through the edge', async () => {
    expect(edge?.stdout()).toMatch(/^urlseal edge listening on http:\/\/127\.0\.0\.1:\d+ \(files from .*media\)\n/);
    const res = await get('/videos/course-1/intro.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(await res.text()).toBe('Hello from the origin\n');
    expect((await fetch(`${base}/videos/course-1/intro.txt`)).status).toBe(401);
  });

  it('streams a large file byte for byte, and answers ranges, HEAD and conditional requests', async () => {
    const whole = Buffer.from(await (await get('/videos/course-1/big.bin')).arrayBuffer());
    expect(whole.equals(BIG)).toBe(true);
    const part = await get('/videos/course-1/big.bin', { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${BIG.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(BIG.subarray(1000, 2000))).toBe(true);
    const tail = await get('/videos/course-1/big.bin', { range: 'bytes=-10' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(BIG.subarray(BIG.length - 10))).toBe(true);
    expect((await get('/videos/course-1/big.bin', { range: `bytes=${BIG.length}-` })).status).toBe(416);
    const head = await get('/videos/course-1/big.bin', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(BIG.length));
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag') as string;
    expect((await get('/videos/course-1/big.bin', { 'if-none-match': etag })).status).toBe(304);
    const stale = await get('/videos/course-1/big.bin', { range: 'bytes=0-0', 'if-range': '"other"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it('sends X-Content-Type-Options: nosniff on every answer of the folder (issue 20)', async () => {
    const answers = [
      await get('/videos/course-1/intro.txt'),
      await get('/videos/course-1/big.bin', { range: 'bytes=0-9' }),
      await get('/videos/course-1/big.bin', { range: `bytes=${BIG.length}-` }),
      await get('/videos/course-1/missing.mp4'),
    ];
    const etag = answers[0]!.headers.get('etag') as string;
    answers.push(await get('/videos/course-1/intro.txt', { 'if-none-match': etag }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 206, 416, 404, 304]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options'), String(answer.status)).toBe('nosniff');
      await answer.arrayBuffer();
    }
  });

  // Refused while reading the flags, before anything is opened: main(argv) in process.
  it('refuses a --cors origin a browser never sends, naming the spelling to use (issue 20)', async () => {
    const cases: [string, string][] = [
      ['https://App.Example', 'https://app.example'],
      ['https://app.example:443', 'https://app.example'],
      ['http://app.example:80', 'http://app.example'],
      ['https://app.example/', 'https://app.example'],
    ];
    for (const [given, written] of cases) {
      const r = await urlsealHere(['serve', '--root', media, '-k', keyringFile, '--port', '0', '--cors', given]);
      expect(r.code, given).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `urlseal serve: --cors entry 1 is not spelled as a browser sends Origin: write ${JSON.stringify(written)} (lower case, no default port, no trailing slash)\n`,
      );
    }
    const path = await urlsealHere(['serve', '--root', media, '-k', keyringFile, '--port', '0', '--cors', 'https://app.example/player']);
    expect(path.code).toBe(2);
    expect(path.stderr).toBe('urlseal serve: --cors entry 1 is not an origin: write scheme, host and optional port only, e.g. "https://app.example"\n');
  });

  it('serves percent-encoded names, and never dot files, folders or symlinks out of the folder', async () => {
    const vtt = await get('/videos/course-1/aula ção.vtt');
    expect([vtt.status, await vtt.text()]).toEqual([200, 'WEBVTT\n']);
    for (const path of ['/.env', '/videos/course-1/', '/videos/escape.txt', '/videos/course-1/missing.mp4']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
  });

  it('logs without tokens and without the file origin\'s secret prefix', async () => {
    // The access log line of the last request made above: each line is written as its response ends, in order.
    await expect.poll(() => edge?.stdout() ?? '', { timeout: 5000, interval: 10 }).toContain('"path":"/videos/course-1/missing.mp4","status":404');
    const log = edge?.stdout() ?? '';
    expect(log).toContain('"path":"/videos/course-1/intro.txt","status":200');
    expect(log).not.toMatch(/eyJ|\/[0-9a-f]{32}\//);
  });

  it('exits 2 with one stderr line for --root and --origin together, neither, a missing folder, or a bad --cmcd', async () => {
    // A folder that cannot be served is found after the keyring is open: the built CLI in a child process, which also shows it exits.
    for (const args of [
      ['--root', join(dir, 'nope')],
      ['--root', keyringFile],
    ]) {
      const r = spawnSync(process.execPath, [BIN, 'serve', '-k', keyringFile, '--port', '0', ...args], { encoding: 'utf8', timeout: 15_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^urlseal serve: [^\n]+\n$/);
    }
    // Refused while reading the flags, before anything is opened: main(argv) in process.
    for (const args of [
      ['--root', media, '--origin', 'http://127.0.0.1:1'],
      [],
      ['--root', media, '--cmcd', 'strip'],
    ]) {
      const r = await urlsealHere(['serve', '-k', keyringFile, '--port', '0', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^urlseal serve: [^\n]+\n$/);
    }
  });

  it('warns when nothing answers at --origin', async () => {
    const dead = await freePort();
    const child = startChild(process.execPath, [BIN, 'serve', '--origin', `http://127.0.0.1:${dead}`, '-k', keyringFile, '--port', '0']);
    try {
      const deadline = Date.now() + 10_000;
      while (!child.stderr().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(child.stderr()).toBe(
        `urlseal serve: warning: nothing answers at http://127.0.0.1:${dead} (ECONNREFUSED); requests get 502 ERR_ORIGIN_UNAVAILABLE until it does (to serve a folder, use --root DIR)\n`,
      );
    } finally {
      expect(await child.stop()).toBe(0);
    }
  });
});

describe('the file origin', () => {
  it('answers only under its secret prefix', async () => {
    const origin = await startFileOrigin(media);
    try {
      const { port } = new URL(origin.url);
      expect((await fetch(`http://127.0.0.1:${port}/videos/course-1/intro.txt`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/${'0'.repeat(32)}/videos/course-1/intro.txt`)).status).toBe(404);
      expect(await (await fetch(`${origin.url}/videos/course-1/intro.txt`)).text()).toBe('Hello from the origin\n');
      expect((await fetch(`${origin.url}/videos/course-1/intro.txt`, { method: 'POST' })).status).toBe(405);
    } finally {
      await origin.close();
    }
  });

  it.each([
    [undefined, 100, 'whole'],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-200', 100, { start: 90, end: 99 }],
    ['bytes=-5', 100, { start: 95, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=5-3', 100, 'whole'],
    ['bytes=0-1,5-6', 100, 'whole'],
    ['items=0-1', 100, 'whole'],
    ['bytes=-', 100, 'whole'],
  ] as const)('Range %s of %i bytes → %j', (header, size, expected) => {
    expect(chooseRange(header, size)).toEqual(expected);
  });
});
