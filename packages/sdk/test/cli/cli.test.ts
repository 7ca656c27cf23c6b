import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// End to end against the built CLI (npm test builds first; locally: npx tsc -b).
const BIN = new URL('../../bin/urlseal.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Vector { secret: string; path: string; e: string; st: string; url_path: string }
const { vectors } = JSON.parse(
  readFileSync(new URL('../../../../test/vectors/secure-token.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

function urlseal(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const { URLSEAL_KEYRING: _drop, ...base } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...base, ...env }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function keyringFile(name: string, json: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json), { mode: 0o600 });
  return file;
}

describe('urlseal CLI', () => {
  it('keygen → sign → inspect', () => {
    const keygen = urlseal(['keygen', '--kid', 'k1']);
    expect(keygen.code).toBe(0);
    const keyring = JSON.parse(keygen.stdout) as { active: string; kids: Record<string, string> };
    expect(keyring.active).toBe('k1');
    expect(keyring.kids.k1).toMatch(/^[\w-]{43}$/);
    const file = keyringFile('k1.json', keyring);

    const sign = urlseal(['sign', 'https://cdn.example/videos/course-1/master.m3u8', '--keyring', file, '--grant', '/videos/course-1/*', '--ttl', '10m', '--sub', 'student-42']);
    expect(sign.code).toBe(0);
    expect(sign.stderr).toBe('');
    expect(sign.stdout).toMatch(/^https:\/\/cdn\.example\/_token\/[\w-]+\.[\w-]+\.[\w-]+\/videos\/course-1\/master\.m3u8\n$/);

    const inspect = urlseal(['inspect', sign.stdout.trim()]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/NOT VERIFIED/);
    expect(inspect.stdout).toMatch(/kid: +k1/);
    expect(inspect.stdout).toMatch(/alg: +HS256/);
    expect(inspect.stdout).toMatch(/grant: +\/videos\/course-1\/\*/);
    expect(inspect.stdout).toMatch(/expires in (9|10) minutes \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/);
  });

  it('reads the keyring from URLSEAL_KEYRING and puts an exact grant in the query', () => {
    const { stdout, code } = urlseal(['sign', '/videos/a.mp4', '--expires', '1893456000'], { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/videos\/a\.mp4\?token=[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('inspects a bare token, a query token and a secure-token URL against --now', () => {
    const env = { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) };
    const url = urlseal(['sign', '/a.mp4', '--expires', '1764000300'], env).stdout.trim();
    const inQuery = urlseal(['inspect', url, '--now', '1764000000']);
    expect(inQuery.stdout).toContain('expires in 5 minutes (2025-11-24T16:05:00Z)');
    expect(inQuery.stdout).toContain('in the query');
    const bare = urlseal(['inspect', url.split('token=')[1] as string, '--now', '1764010800']);
    expect(bare.stdout).toContain('expired 2 hours ago (2025-11-24T16:05:00Z)');
    const legacy = urlseal(['inspect', '/my/uri?st=m6WCATfRgS_5lcyChCPgrw&e=1470055000', '--now', '1470065800']);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/scheme: +secure-token/);
    expect(legacy.stdout).toContain('expired 3 hours ago (2016-08-01T12:36:40Z)');
  });

  it.each(vectors.filter((v) => Buffer.byteLength(v.secret) >= 32))('sign --scheme secure-token prints vector $path exactly', (v) => {
    const file = keyringFile(`st-${v.st}.json`, { secureToken: [v.secret] });
    const { stdout, stderr, code } = urlseal(['sign', v.url_path, '--keyring', file, '--scheme', 'secure-token', '--expires', v.e]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`${v.url_path}?st=${v.st}&e=${v.e}\n`);
  });

  it.each([['--help'], ['keygen', '--help'], ['sign', '--help'], ['inspect', '-h'], ['sign', '--bogus', '--help']])('%s prints help, exit 0', (...args) => {
    const { code, stdout } = urlseal(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: urlseal/);
  });

  const good = () => keyringFile('good.json', { kids: { k: 'k'.repeat(32) } });
  const bad: Array<[string, () => string[]]> = [
    ['no command', () => []],
    ['an unknown command', () => ['frobnicate']],
    ['an unknown flag', () => ['sign', '/a', '--keyring', good(), '--bogus']],
    ['a flag without its value', () => ['sign', '/a', '--ttl']],
    ['no URL', () => ['sign', '--keyring', good()]],
    ['no keyring at all', () => ['sign', '/a']],
    ['an unreadable keyring file', () => ['sign', '/a', '--keyring', join(dir, 'missing.json')]],
    ['a keyring that is not JSON', () => ['sign', '/a', '--keyring', keyringFile('junk.json', '{nope')]],
    ['a short secret', () => ['sign', '/a', '--keyring', keyringFile('short.json', { kids: { k: 'short' } })]],
    ['a non-canonical path', () => ['sign', '/a/%2e%2e/b', '--keyring', good()]],
    ['a bad ttl', () => ['sign', '/a', '--keyring', good(), '--ttl', '5 minutes']],
    ['a ttl above maxTtl', () => ['sign', '/a', '--keyring', good(), '--ttl', '2d']],
    ['--ttl and --expires together', () => ['sign', '/a', '--keyring', good(), '--ttl', '5m', '--expires', '1893456000']],
    ['a non-numeric --expires', () => ['sign', '/a', '--keyring', good(), '--expires', 'tomorrow']],
    ['a 9-digit secure-token --expires', () => ['sign', '/a', '--keyring', keyringFile('st.json', { secureToken: ['s'.repeat(32)] }), '--scheme', 'secure-token', '--expires', '999999999']],
    ['a bad --scheme', () => ['sign', '/a', '--keyring', good(), '--scheme', 'paseto']],
    ['a bad --ip', () => ['sign', '/a', '--keyring', good(), '--ip', '300.1.1.1']],
    ['a grant not covering the URL', () => ['sign', '/a', '--keyring', good(), '--grant', '/b/*']],
    ['keygen with an unknown alg', () => ['keygen', '--alg', 'RS256']],
    ['keygen with a bad kid', () => ['keygen', '--kid', 'a b']],
    ['inspect of a URL without a token', () => ['inspect', '/a.mp4']],
    ['inspect of a broken token', () => ['inspect', 'abc.def.ghi']],
  ];
  it.each(bad)('%s: one stderr line, nothing on stdout, exit 2', (_name, args) => {
    const { code, stdout, stderr } = urlseal(args());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^urlseal( [a-z]+)?: [^\n]+\n$/);
    expect(stderr).not.toMatch(/kkkkkkkk|"short"|Error:/);
  });
});
