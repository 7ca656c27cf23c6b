// Real Debian nginx with `secure_link` / `secure_link_md5` in front of static files:
// URLs minted by urlseal (secure-token scheme) open at nginx, and urlseal's edge
// answers the same status as nginx on valid, tampered and expired URLs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '@urlseal/edge';
import { createSigner } from '@urlseal/sdk';
import { freePort, startChild, waitForPort, type Child } from './helpers.js';

const NGINX = '/usr/sbin/nginx';
const SECRET = 'nginx-interop-secret-0123456789abcdef';
const TEMPLATE = fileURLToPath(new URL('./fixtures/nginx/nginx.conf', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/secure-token.json', import.meta.url));

/** Files nginx serves: decoded canonical path → body. */
const FILES: Record<string, string> = {
  '/files/hello.txt': 'plain file\n',
  '/files/hello world.txt': 'a name with a space\n',
  '/files/café ☕.txt': 'a UTF-8 name\n',
  '/videos/course-1/lesson-01.mp4': 'not really an mp4\n',
};

/** SPEC §5 computed independently of urlseal: base64url(md5(secret + path + e)). */
function st(secret: string, path: string, e: string): string {
  return createHash('md5').update(secret + path + e, 'utf8').digest('base64url');
}

/** How a decoded path travels in a URL (nginx decodes it back into $uri). */
function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function signed(path: string, e: number, secret = SECRET): string {
  const es = String(e);
  return `${urlPath(path)}?st=${st(secret, path, es)}&e=${es}`;
}

let dir = '';
let port = 0;
let nginx: Child | undefined;

beforeAll(async () => {
  if (!existsSync(NGINX)) {
    throw new Error(`nginx interop: ${NGINX} is missing; install Debian nginx (bash scripts/test-deps.sh as root, or apt-get install nginx)`);
  }
  dir = mkdtempSync(join(tmpdir(), 'urlseal-nginx-'));
  chmodSync(dir, 0o755); // nginx workers run as nobody: every parent dir must be world-executable
  for (const sub of ['tmp', 'www']) mkdirSync(join(dir, sub), { mode: 0o755 });
  for (const [path, body] of Object.entries(FILES)) {
    const file = join(dir, 'www', path);
    const parts = path.split('/').slice(1, -1);
    let at = join(dir, 'www');
    for (const part of parts) {
      at = join(at, part);
      mkdirSync(at, { recursive: true, mode: 0o755 });
      chmodSync(at, 0o755);
    }
    writeFileSync(file, body);
    chmodSync(file, 0o644);
  }
  port = await freePort();
  const conf = readFileSync(TEMPLATE, 'utf8').replaceAll('@DIR@', dir).replaceAll('@PORT@', String(port)).replaceAll('@SECRET@', SECRET);
  writeFileSync(join(dir, 'nginx.conf'), conf);
  nginx = startChild(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`]);
  await waitForPort(port, 20_000, () => nginx?.exited());
});

afterAll(async () => {
  await nginx?.stop('SIGQUIT');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function nginxGet(target: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${target}`);
  return { status: res.status, body: await res.text() };
}

const now = () => Math.floor(Date.now() / 1000);

describe('nginx secure_link (independent md5, no urlseal code)', () => {
  it('agrees with the SPEC §5 known answers', () => {
    const { vectors } = JSON.parse(readFileSync(VECTORS, 'utf8')) as { vectors: Array<{ secret: string; path: string; e: string; st: string }> };
    for (const v of vectors) expect(st(v.secret, v.path, v.e)).toBe(v.st);
  });

  it('serves valid links, including names with a space and UTF-8', async () => {
    for (const [path, body] of Object.entries(FILES)) {
      const res = await nginxGet(signed(path, now() + 300));
      expect(res.status, path).toBe(200);
      expect(res.body).toBe(body);
    }
  });

  it('answers 403 to tampered links and 410 to expired ones', async () => {
    expect((await nginxGet('/files/hello.txt')).status).toBe(403);
    const e = now() + 300;
    expect((await nginxGet(signed('/files/hello.txt', e).replace('/hello.txt', '/hello2.txt'))).status).toBe(403);
    expect((await nginxGet(signed('/files/hello.txt', e, 'another-secret-0123456789abcdefXYZ'))).status).toBe(403);
    expect((await nginxGet(signed('/files/hello.txt', now() - 10))).status).toBe(410);
  });
});

describe('urlseal and nginx agree', () => {
  const signer = createSigner({ keyring: { secureToken: [SECRET] }, scheme: 'secure-token', ttl: '5m' });

  it('SDK secure-token URLs open at nginx', async () => {
    for (const [path, body] of Object.entries(FILES)) {
      const url = await signer.signUrl(urlPath(path));
      expect(url).toMatch(/\?st=[A-Za-z0-9_-]{22}&e=\d{10}$/);
      const res = await nginxGet(url);
      expect(res.status, url).toBe(200);
      expect(res.body).toBe(body);
    }
    const absolute = await signer.signUrl(`http://127.0.0.1:${port}${urlPath('/files/hello world.txt')}`);
    expect((await fetch(absolute)).status).toBe(200);
  });

  it('the edge answers the status nginx answers: valid, tampered st/path/e, expired', async () => {
    const verifier = createVerifier({ keyring: { secureToken: [SECRET] } });
    const edgeStatus = async (target: string) => {
      const r = await verifier.decide({ method: 'GET', target, header: () => undefined });
      return r.ok ? 200 : r.status;
    };
    const cases: Array<[string, string, number]> = [];
    for (const path of Object.keys(FILES)) {
      const valid = await signer.signUrl(urlPath(path));
      const [p, q] = valid.split('?') as [string, string];
      const params = new URLSearchParams(q);
      const st = params.get('st') as string;
      const e = params.get('e') as string;
      const flipped = (st[0] === 'A' ? 'B' : 'A') + st.slice(1);
      cases.push(
        ['valid', valid, 200],
        ['st changed', `${p}?st=${flipped}&e=${e}`, 403],
        ['path changed', `${p.replace(/\.(txt|mp4)$/, '.$1x')}?st=${st}&e=${e}`, 403],
        ['e changed', `${p}?st=${st}&e=${Number(e) + 1}`, 403],
        ['expired', signed(path, now() - 5), 410],
        ['expired long ago', await signer.signUrl(urlPath(path), { expires: 1_470_055_000 }), 410],
      );
    }
    for (const [what, target, expected] of cases) {
      const fromNginx = (await nginxGet(target)).status;
      expect(fromNginx, `nginx, ${what}: ${target}`).toBe(expected);
      expect(await edgeStatus(target), `edge, ${what}: ${target}`).toBe(fromNginx);
    }
  });
});
