// Sealed links in the CLI (issue 17): `sign --seal`, `inspect` of a sealed token with and
// without the keyring, `verify` and a bad `--sealed` (main(argv) in process, see run.ts), and
// `serve --sealed require|deny` (the built CLI as a child process).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from '@urlseal/sdk';
import { startChild, waitForOutput } from '../../../../test/interop/helpers.js';
import { keyringFile as keyringFileIn, urlsealHere, type Ran } from './run.js';

const BIN = fileURLToPath(new URL('../../bin/urlseal.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEYRING = { active: 's1', kids: { s1: 'cli-sealed-secret-0123456789abcdefghijkl' } };
const file = keyringFileIn(dir, 'keyring.json', KEYRING);
const SUB = 'student-42@example.edu';

describe('urlseal sign --seal / inspect / verify', () => {
  let sign: Ran;
  let url = '';
  beforeAll(async () => {
    sign = await urlsealHere(['sign', 'https://cdn.example/videos/a.mp4', '-k', file, '--seal', '--sub', SUB, '--expires', '1900000300']);
    url = sign.stdout.trim();
  });

  it('prints a URL whose token is sealed: five segments, nothing of the claims readable', () => {
    expect(sign.code).toBe(0);
    expect(url).toMatch(/^https:\/\/cdn\.example\/videos\/a\.mp4\?token=[\w-]+\.\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    const segments = (url.split('token=')[1] as string).split('.');
    for (const segment of segments) expect(Buffer.from(segment, 'base64url').toString('latin1')).not.toContain('student');
  });

  it('inspect shows only the header, and with -k decrypts locally and says so', async () => {
    const plain = await urlsealHere(['inspect', url, '--now', '1900000000']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/scheme: +jwt, SEALED/);
    expect(plain.stdout).toContain('header:     {"alg":"dir","enc":"A256GCM","kid":"s1"}');
    expect(plain.stdout).toContain('only the header is readable');
    expect(plain.stdout).not.toContain(SUB);
    const opened = await urlsealHere(['inspect', url, '-k', file, '--now', '1900000000']);
    expect(opened.stdout).toContain('sealed:     decrypted locally with the keyring');
    expect(opened.stdout).toContain(`sub:        "${SUB}"`);
    expect(opened.stdout).toContain('expires in 5 minutes');
    const other = keyringFileIn(dir, 'other.json', { kids: { s1: 'another-secret-0123456789abcdefghijklmnop' } });
    expect((await urlsealHere(['inspect', url, '-k', other])).stdout).toContain('does NOT decrypt with this keyring\'s key: the edge answers 403 ERR_SIGNATURE_INVALID');
    const bare = await urlsealHere(['inspect', url.split('token=')[1] as string]);
    expect(bare.stdout).toMatch(/scheme: +jwt, SEALED .* in a bare token/);
  });

  it('verify grants it with the claims', async () => {
    const verify = await urlsealHere(['verify', url, '-k', file, '--now', '1900000000']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, status: 200, code: null, claims: { sub: SUB, path: '/videos/a.mp4' } });
  });

  it('refuses --seal without an HS256 active key, and for secure-token', async () => {
    const eddsa = keyringFileIn(dir, 'eddsa.json', JSON.parse((await urlsealHere(['keygen', '--alg', 'EdDSA'])).stdout));
    const refused = await urlsealHere(['sign', '/a.mp4', '-k', eddsa, '--seal']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^urlseal sign: [^\n]*seal[^\n]*HS256[^\n]*\n$/);
    const legacy = keyringFileIn(dir, 'legacy.json', { secureToken: ['legacy-secret-0123456789abcdefghijklmnop'] });
    expect((await urlsealHere(['sign', '/a.mp4', '-k', legacy, '--scheme', 'secure-token', '--seal'])).code).toBe(2);
  });
});

describe('urlseal serve --sealed', () => {
  const signer = createSigner({ keyring: KEYRING });
  const media = join(dir, 'media');
  mkdirSync(media, { recursive: true });
  writeFileSync(join(media, 'a.txt'), 'hello\n');

  async function statuses(mode: string): Promise<{ jws: string; sealed: string }> {
    const edge = startChild(process.execPath, [BIN, 'serve', '--root', media, '-k', file, '--port', '0', ...(mode ? ['--sealed', mode] : [])]);
    try {
      await waitForOutput(edge, '\n');
      const base = /listening on (http:\/\/[^ ]+)/.exec(edge.stdout())?.[1] ?? '';
      const answer = async (seal: boolean) => {
        const res = await fetch(`${base}${signer.signUrl('/a.txt', { seal })}`);
        return `${res.status} ${res.headers.get('x-urlseal-error') ?? (await res.text()).trim()}`;
      };
      return { jws: await answer(false), sealed: await answer(true) };
    } finally {
      await edge.stop();
    }
  }

  it('allows both by default; require refuses a readable JWT; deny refuses a sealed one', async () => {
    expect(await statuses('')).toEqual({ jws: '200 hello', sealed: '200 hello' });
    expect(await statuses('require')).toEqual({ jws: '401 ERR_ALG_NOT_ALLOWED', sealed: '200 hello' });
    expect(await statuses('deny')).toEqual({ jws: '200 hello', sealed: '401 ERR_ALG_NOT_ALLOWED' });
  });

  it('refuses an unknown mode before listening', async () => {
    const r = await urlsealHere(['serve', '--root', media, '-k', file, '--sealed', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('urlseal serve: --sealed must be one of allow, require, deny\n');
  });
});
