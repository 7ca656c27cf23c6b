import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { HS_KEYRING } from '../helpers.js';
import { urlsealHere } from './run.js';

// `urlseal check-manifest` end to end through the CLI's main(argv), in process.
const MEDIA = new URL('../../../../examples/lms/media', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'urlseal-manifest-'));

/** Runs the CLI's main(argv) in this process (run.ts): async, so the URL tests' server in this process answers meanwhile. */
const urlseal = (args: string[]) => urlsealHere(args, { URLSEAL_KEYRING: '' });

function put(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

// A stand-in edge: serves the demo media under /_token/<anything>/ or ?token=, records what it was asked.
// Under /endless/ it answers a playlist that never ends, and records how much it could send.
const asked: string[] = [];
const endless: Array<{ sent: number; closedEarly: boolean }> = [];
const SAFETY_NET = 96 * 1024 * 1024; // an endless answer stops here only so a broken reader cannot fill this machine
function answerEndlessly(res: import('node:http').ServerResponse): void {
  const record = { sent: 0, closedEarly: false };
  endless.push(record);
  const chunk = Buffer.from(`#EXTM3U\n${'#'.repeat(64 * 1024 - 9)}\n`);
  res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' });
  res.on('close', () => (record.closedEarly = !res.writableFinished));
  const pump = () => {
    while (!res.destroyed && record.sent < SAFETY_NET) {
      record.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}
let server: Server;
let edge: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const target = req.url ?? '/';
    asked.push(target);
    const path = new URL(target, 'http://x').pathname.replace(/^\/_token\/[^/]+/, '');
    if (path.startsWith('/endless/')) return answerEndlessly(res);
    try {
      res.end(readFileSync(join(MEDIA, decodeURIComponent(path))));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  edge = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('urlseal check-manifest FILE', () => {
  it('refuses what is not a regular file (a FIFO would block, /dev/zero never ends) with one line', async () => {
    const fifo = join(dir, 'pipe.m3u8');
    execFileSync('mkfifo', [fifo]);
    for (const file of [fifo, '/dev/zero']) {
      const result = await urlseal(['check-manifest', file, '--grant', '/v/*', '--path', '/v/master.m3u8']);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `urlseal check-manifest: ${file} is not a regular file\n` });
    }
  });

  it('exit 0 on the demo lecture, its two variant playlists followed', async () => {
    const result = await urlseal(['check-manifest', join(MEDIA, 'videos/course-1/lecture/master.m3u8'), '--grant', '/videos/course-1/lecture/*']);
    expect(result).toEqual({ code: 0, stderr: '', stdout: 'ok: 32 references in 3 manifests inherit the path token and stay inside /videos/course-1/lecture/*\n' });
  });

  it('exit 0 on the demo DASH lesson, the path given explicitly', async () => {
    const result = await urlseal(['check-manifest', join(MEDIA, 'videos/course-1/dash/manifest.mpd'), '--grant', '/videos/course-1/dash/*', '--path', '/videos/course-1/dash/manifest.mpd', '--kind', 'dash']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok: 4 references in 1 manifest /);
  });

  it('exit 1 with one line per finding, in the master and in a variant it names', async () => {
    const master = put('hls/master.m3u8', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\nhttps://cdn.example/_token/eyJhbGciOiJIUzI1NiJ9.e30.c2ln/videos/hls/high/index.m3u8\n');
    put('hls/low/index.m3u8', '#EXTM3U\n#EXTINF:4,\nseg0.ts\n#EXTINF:4,\n/videos/hls/low/seg1.ts\n#EXTINF:4,\nmissing/index.m3u8\n');
    const result = await urlseal(['check-manifest', master, '--grant', '/videos/hls/*']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      `${master}: line 5: absolute URI: the player requests it as written, without the path token: https://cdn.example/_token/…/videos/hls/high/index.m3u8`,
      `${join(dir, 'hls/low/index.m3u8')}: line 5: root-relative URI: resolving it drops the /_token/<jwt> segment: /videos/hls/low/seg1.ts`,
      '2 findings in 2 manifests',
      '',
    ]);
  });

  it('says what a child playlist that cannot be read means', async () => {
    const master = put('broken/master.m3u8', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ngone/index.m3u8\n');
    const result = await urlseal(['check-manifest', master, '--grant', '/v/*']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'broken/gone/index.m3u8')}: cannot be read (ENOENT): a player would fail here too`);
  });

  it('exit 2 with one clear line on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['check-manifest', join(MEDIA, 'videos/course-1/dash/manifest.mpd')], /--grant is required/],
      [['check-manifest', join(MEDIA, 'videos/course-1/dash/manifest.mpd'), '--grant', '/a.mpd'], /--path is required/],
      [['check-manifest', join(dir, 'nope.m3u8'), '--grant', '/v/*'], /cannot read .*nope\.m3u8/],
      [['check-manifest', put('x.txt', 'hello'), '--grant', '/v/*'], /neither an HLS playlist/],
      [['check-manifest', put('y.m3u8', '#EXTM3U'), '--grant', 'v/*'], /grant must be/],
      [['check-manifest', put('z.m3u8', '#EXTM3U'), '--grant', '/v/*', '--kind', 'smooth'], /--kind must be one of hls, dash/],
    ];
    for (const [args, message] of cases) {
      const result = await urlseal(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('names the command once in a library error (a bad --grant)', async () => {
    const result = await urlseal(['check-manifest', put('g.m3u8', '#EXTM3U'), '--grant', 'v/*']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'urlseal check-manifest: --grant must be 1 to 16 patterns, each a canonical decoded path or a "/dir/*" prefix\n',
    });
  });

  it('a --path-segment the signer would refuse is a usage error naming the flag, before anything is built from it', async () => {
    const file = put('s.m3u8', '#EXTM3U\n#EXTINF:4,\nseg0.ts\n');
    const inputs = [
      [file, '--path', '/videos/s.m3u8'],
      ['https://cdn.example/_token/abc/videos/s.m3u8'],
    ];
    for (const input of inputs) {
      for (const segment of ['a(b', 'a/b', '..', '']) {
        const result = await urlseal(['check-manifest', ...input, '--grant', '/videos/*', '--path-segment', segment]);
        expect(result, `${input[0]} ${segment}`).toEqual({
          code: 2,
          stdout: '',
          stderr: 'urlseal check-manifest: --path-segment must be a short name of URL-safe characters (A-Z a-z 0-9 . _ ~ -)\n',
        });
      }
    }
  });

  it('takes every --path-segment the signer takes, "." read as itself when redacting', async () => {
    const file = put('dot/index.m3u8', '#EXTM3U\n#EXTINF:4,\nhttps://cdn.example/t.k/SECRET/v/a.ts\n#EXTINF:4,\nhttps://cdn.example/tXk/kept/v/b.ts\n');
    const result = await urlseal(['check-manifest', file, '--grant', '/v/*', '--path-segment', 't.k']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('https://cdn.example/t.k/…/v/a.ts');
    expect(result.stdout).toContain('https://cdn.example/tXk/kept/v/b.ts');
    expect(result.stdout).not.toContain('SECRET');
  });

  it('never prints a token, whatever spelling the edge would read it in (issue 20)', async () => {
    const file = put('spelled/index.m3u8', [
      '#EXTM3U',
      '#EXTINF:4,',
      'https://cdn.example/%5Ftoken/SECRET1/v/a.ts',
      '#EXTINF:4,',
      'https://cdn.example/_%74oken/SECRET2/v/b.ts',
      '#EXTINF:4,',
      'https://cdn.example/v/c.ts?%74oken=SECRET3&x=1',
      '#EXTINF:4,',
      'https://cdn.example/v/d.ts?st=SECRET4&e=1',
      '',
    ].join('\n'));
    const result = await urlseal(['check-manifest', file, '--grant', '/v/*']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('https://cdn.example/%5Ftoken/…/v/a.ts');
    expect(result.stdout).toContain('https://cdn.example/_%74oken/…/v/b.ts');
    expect(result.stdout).toContain('https://cdn.example/v/c.ts?%74oken=…&x=1');
    expect(result.stdout).toContain('https://cdn.example/v/d.ts?st=…&e=1');
    expect(result.stdout).not.toMatch(/SECRET/);
  });

  it('--help exits 0', async () => {
    const result = await urlseal(['check-manifest', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: urlseal check-manifest FILE\|URL/);
  });
});

describe('urlseal check-manifest URL', () => {
  it('takes the grant from the token, fetches the variants with the same path token, and never prints it', async () => {
    const signer = createSigner({ keyring: HS_KEYRING });
    const url = await signer.signUrl(`${edge}/videos/course-1/lecture/master.m3u8`, { grant: '/videos/course-1/lecture/*' });
    const token = /\/_token\/([^/]+)\//.exec(url)?.[1] ?? '';
    const before = asked.length;
    const result = await urlseal(['check-manifest', url]);
    expect(result).toEqual({ code: 0, stderr: '', stdout: 'ok: 32 references in 3 manifests inherit the path token and stay inside /videos/course-1/lecture/*\n' });
    expect(asked.slice(before)).toEqual([
      `/_token/${token}/videos/course-1/lecture/master.m3u8`,
      `/_token/${token}/videos/course-1/lecture/144p/index.m3u8`,
      `/_token/${token}/videos/course-1/lecture/240p/index.m3u8`,
    ]);
  });

  it('stops reading an endless answer at its 16 MiB bound (bytes read, not a Content-Length)', async () => {
    const signer = createSigner({ keyring: HS_KEYRING });
    const url = await signer.signUrl(`${edge}/endless/master.m3u8`, { grant: '/endless/*' });
    const started = Date.now();
    const result = await urlseal(['check-manifest', url]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `urlseal check-manifest: /endless/master.m3u8 is over ${16 * 1024 * 1024} bytes; is it a manifest?\n` });
    await expect.poll(() => endless.at(-1)?.closedEarly).toBe(true); // the CLI hung up, the server did not finish
    const sent = endless.at(-1)?.sent ?? 0;
    expect(sent).toBeLessThan(SAFETY_NET);
  });

  it('names the failing path (not the URL) when the edge refuses the manifest', async () => {
    const signer = createSigner({ keyring: HS_KEYRING });
    const url = await signer.signUrl(`${edge}/videos/none/master.m3u8`, { grant: '/videos/none/*' });
    const result = await urlseal(['check-manifest', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('urlseal check-manifest: cannot fetch /videos/none/master.m3u8: HTTP 404\n');
  });
});
