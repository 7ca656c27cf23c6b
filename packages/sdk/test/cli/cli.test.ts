import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyringFile as keyringFileIn, urlseal, urlsealHere } from './run.js';

// The CLI's commands end to end: main(argv) in process (see run.ts), the first case through the built bin
// (npm test builds first; locally: npx tsc -b).
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Vector { secret: string; path: string; e: string; st: string; url_path: string }
const { vectors } = JSON.parse(
  readFileSync(new URL('../../../../test/vectors/secure-token.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

const keyringFile = (name: string, json: unknown): string => keyringFileIn(dir, name, json);

describe('urlseal CLI', () => {
  // The built bin as a user runs it (a child process); the other cases run main(argv) in process.
  it('keygen → sign → inspect (the bin, as a child process)', () => {
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

  it('reads the keyring from URLSEAL_KEYRING and puts an exact grant in the query', async () => {
    const { stdout, code } = await urlsealHere(['sign', '/videos/a.mp4', '--expires', '1893456000'], { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/videos\/a\.mp4\?token=[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('signs the grant /* only with --grant-all, and the edge grants any path with it', async () => {
    const env = { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) };
    const { stdout, code, stderr } = await urlsealHere(['sign', '/videos/a.mp4', '--grant', '/*', '--grant-all'], env);
    expect([code, stderr]).toEqual([0, '']);
    const token = /\/_token\/([^/]+)\//.exec(stdout)?.[1] as string;
    expect((await urlsealHere(['verify', `/_token/${token}/other/b.mp4`], env)).stdout).toMatch(/^\{"ok":true,/);
  });

  it('inspects a bare token, a query token and a secure-token URL against --now', async () => {
    const env = { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) };
    const url = (await urlsealHere(['sign', '/a.mp4', '--expires', '1764000300'], env)).stdout.trim();
    const inQuery = await urlsealHere(['inspect', url, '--now', '1764000000']);
    expect(inQuery.stdout).toContain('expires in 5 minutes (2025-11-24T16:05:00Z)');
    expect(inQuery.stdout).toContain('in the query');
    const bare = await urlsealHere(['inspect', url.split('token=')[1] as string, '--now', '1764010800']);
    expect(bare.stdout).toContain('expired 2 hours ago (2025-11-24T16:05:00Z)');
    const legacy = await urlsealHere(['inspect', '/my/uri?st=m6WCATfRgS_5lcyChCPgrw&e=1470055000', '--now', '1470065800']);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/scheme: +secure-token/);
    expect(legacy.stdout).toContain('expired 3 hours ago (2016-08-01T12:36:40Z)');
  });

  it.each(vectors.filter((v) => Buffer.byteLength(v.secret) >= 32))('sign --scheme secure-token prints vector $path exactly', async (v) => {
    const file = keyringFile(`st-${v.st}.json`, { secureToken: [v.secret] });
    const { stdout, stderr, code } = await urlsealHere(['sign', v.url_path, '--keyring', file, '--scheme', 'secure-token', '--expires', v.e]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${v.url_path}?st=${v.st}&e=${v.e}\n`);
    // Every vector's e is long past or more than a day away: sign says what the edge will answer.
    expect(stderr).toMatch(/^urlseal sign: warning: the link (expired .* 410 ERR_TOKEN_EXPIRED|expires .* 401 ERR_CLAIM_INVALID)\n$/);
  });

  it.each([['--help'], ['keygen', '--help'], ['sign', '--help'], ['inspect', '-h'], ['sign', '--bogus', '--help']])('%s prints help, exit 0', async (...args) => {
    const { code, stdout } = await urlsealHere(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: urlseal/);
  });

  it('keygen -k writes the keyring with mode 0600 and never overwrites one', async () => {
    const file = join(dir, 'written.json');
    // Says what it wrote (kid, alg, file, mode) on stderr; stdout stays empty, and no secret anywhere.
    const wrote = await urlsealHere(['keygen', '--kid', 'w1', '-k', file]);
    expect(wrote).toMatchObject({ code: 0, stdout: '' });
    expect(wrote.stderr).toBe(`urlseal keygen: wrote kid "w1" (HS256, active) to ${file}, mode 0600\n`);
    const secret = (JSON.parse(readFileSync(file, 'utf8')) as { kids: Record<string, string> }).kids.w1 as string;
    expect(wrote.stderr).not.toContain(secret.slice(0, 8));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ active: 'w1' });
    const again = await urlsealHere(['keygen', '--keyring', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^urlseal keygen: cannot write .*written\.json: it exists; keygen never overwrites a keyring/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ active: 'w1' });
  });

  it('warns on stderr when --expires makes a link the edge refuses, and only then', async () => {
    const env = { URLSEAL_KEYRING: JSON.stringify({ kids: { k: 'k'.repeat(32) } }) };
    const now = Math.floor(Date.now() / 1000);
    const past = await urlsealHere(['sign', '/a', '--expires', String(now - 3600)], env);
    expect(past.code).toBe(0);
    expect(past.stdout).toMatch(/^\/a\?token=/);
    expect(past.stderr).toMatch(/^urlseal sign: warning: the link expired 1 hour ago \(.*\): the edge answers 410 ERR_TOKEN_EXPIRED\n$/);
    // 7 days and a minute: the words round down, and the CLI's clock runs on while it starts.
    const far = await urlsealHere(['sign', '/a', '--expires', String(Math.floor(Date.now() / 1000) + 7 * 86400 + 60)], env);
    expect(far.stderr).toMatch(/^urlseal sign: warning: the link expires in 7 days .*more than maxTtl \(86400 s\) away, so the edge answers 401 ERR_CLAIM_INVALID\n$/);
    expect((await urlsealHere(['sign', '/a', '--expires', String(now + 3600)], env)).stderr).toBe('');
  });

  it('verify refuses a keyring whose Ed25519 key is the identity point, so a forged token is never "ok" (issue 20)', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const identity = Buffer.from('01' + '00'.repeat(31), 'hex').toString('base64url');
    const file = keyringFile('identity.json', { keys: [{ kty: 'OKP', crv: 'Ed25519', kid: 'e1', x: identity }] });
    const now = 1_800_000_000;
    const forged = `${b64({ alg: 'EdDSA', kid: 'e1' })}.${b64({ exp: now + 60, path: '/v/*' })}.${Buffer.from('01' + '00'.repeat(63), 'hex').toString('base64url')}`;
    const ran = await urlsealHere(['verify', `https://cdn.example/v/a.ts?token=${forged}`, '-k', file, '--now', String(now)]);
    expect(ran.stdout).not.toMatch(/"ok":\s*true/);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(/kid "e1"\): the public key is a point of small order/);
    expect(ran.stderr).not.toContain(identity);
  });

  it('sign --country / --block-country put a geo claim in the token; verify --country checks it (issue 19)', async () => {
    const file = keyringFile('geo.json', { active: 'g1', kids: { g1: 'cli-geo-secret-0123456789abcdefghijkl' } });
    const signed = await urlsealHere(['sign', 'https://cdn.example/v/a.mp4', '-k', file, '--country', 'br, pt']);
    expect(signed.code).toBe(0);
    const token = new URL(signed.stdout.trim()).searchParams.get('token') as string;
    expect(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).geo).toEqual({ allow: ['BR', 'PT'] });
    const url = signed.stdout.trim();
    expect(JSON.parse((await urlsealHere(['verify', url, '-k', file, '--country', 'BR'])).stdout)).toMatchObject({ ok: true });
    expect(JSON.parse((await urlsealHere(['verify', url, '-k', file, '--country', 'US'])).stdout)).toMatchObject({ ok: false, status: 403, code: 'ERR_GEO_MISMATCH' });
    expect(JSON.parse((await urlsealHere(['verify', url, '-k', file])).stdout)).toMatchObject({ ok: false, code: 'ERR_GEO_MISMATCH' });
    const blocked = await urlsealHere(['sign', 'https://cdn.example/v/a.mp4', '-k', file, '--block-country', 'US']);
    const blockedToken = new URL(blocked.stdout.trim()).searchParams.get('token') as string;
    expect(JSON.parse(Buffer.from(blockedToken.split('.')[1] as string, 'base64url').toString()).geo).toEqual({ block: ['US'] });
    for (const [args, message] of [
      [['--country', 'BR', '--block-country', 'US'], /use --country or --block-country, not both/],
      [['--country', 'BRA'], /^urlseal sign: --country takes 1 to 300 distinct two-letter country codes/],
      [['--block-country', 'US,US'], /^urlseal sign: --block-country takes 1 to 300 distinct/],
    ] as const) {
      const bad = await urlsealHere(['sign', 'https://cdn.example/v/a.mp4', '-k', file, ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('inspect and verify agree on expiry: both apply the edge\'s 30 s leeway', async () => {
    const keyring = keyringFile('agree.json', { kids: { k: 'k'.repeat(32) } });
    const exp = 1_800_000_000;
    const url = (await urlsealHere(['sign', 'https://cdn.example/v/a.mp4', '-k', keyring, '--expires', String(exp)])).stdout.trim();
    const at = async (now: number) => ({
      inspect: (await urlsealHere(['inspect', url, '--now', String(now)])).stdout,
      verify: JSON.parse((await urlsealHere(['verify', url, '-k', keyring, '--now', String(now)])).stdout) as { ok: boolean; code: string | null },
    });
    const before = await at(exp - 60);
    expect(before.inspect).toMatch(/expires: +expires in 1 minute \(/);
    expect(before.verify.ok).toBe(true);
    const inLeeway = await at(exp + 10);
    expect(inLeeway.inspect).toMatch(/expires: +expired 10 seconds ago \(.*\), within the edge's 30 s leeway: accepted until .* \(20 s more\)/);
    expect(inLeeway.verify.ok).toBe(true);
    const lastSecond = await at(exp + 29);
    expect(lastSecond.inspect).toMatch(/within the edge's 30 s leeway: .*\(1 s more\)/);
    expect(lastSecond.verify.ok).toBe(true);
    const after = await at(exp + 30);
    expect(after.inspect).toMatch(/expired 30 seconds ago \(.*\): the edge answers 410 ERR_TOKEN_EXPIRED/);
    expect(after.verify).toMatchObject({ ok: false, code: 'ERR_TOKEN_EXPIRED' });
  });

  it('inspect finds the token as the edge does: header carriers, the first source only, malformed sources', async () => {
    const env = { URLSEAL_KEYRING: JSON.stringify({ active: 'k', kids: { k: 'k'.repeat(32) } }) };
    const url = (await urlsealHere(['sign', '/v/a.mp4', '--expires', '1800000000'], env)).stdout.trim();
    const token = url.split('token=')[1] as string;
    const bearer = await urlsealHere(['inspect', 'https://cdn.example/v/a.mp4', '--header', `Authorization: Bearer ${token}`, '--now', '1799999000']);
    expect(bearer.stdout).toMatch(/scheme: +jwt, in the Authorization: Bearer header/);
    expect(bearer.stdout).toMatch(/resource: +\/v\/a\.mp4 \(covered by the grant\)/);
    const cookie = await urlsealHere(['inspect', '/v/b.mp4', '--header', `Cookie: a=1; urlseal=${token}`, '--now', '1799999000']);
    expect(cookie.stdout).toMatch(/scheme: +jwt, in the urlseal cookie/);
    expect(cookie.stdout).toMatch(/NOT covered by the grant: the edge answers 403 ERR_PATH_MISMATCH/);
    const unencoded = await urlsealHere(['inspect', `https://cdn.example/v/a b.mp4?token=${token}`, '--now', '1799999000']);
    expect(unencoded.stdout).toMatch(/resource: +\/v\/a b\.mp4 \(NOT covered/);
    const twice = await urlsealHere(['inspect', `/v/a.mp4?token=${token}&token=${token}`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/401 ERR_TOKEN_MALFORMED/);
    const known = await urlsealHere(['inspect', url, '-k', keyringFile('known.json', { kids: { k: 'k'.repeat(32) } })]);
    expect(known.stdout).toMatch(/kid: +k \(in the keyring, HS256\)/);
    const unknown = await urlsealHere(['inspect', url, '-k', keyringFile('other.json', { kids: { other: 'o'.repeat(32) } })]);
    expect(unknown.stdout).toMatch(/kid: +k \(NOT in the keyring: the edge answers 401 ERR_KID_UNKNOWN\)/);
  });

  it.each([
    [['sign', '/a', '-k', 'K', '--ttl', '-5'], '--ttl needs a value, and the next argument starts with "-"; to pass a value starting with "-", write --ttl=VALUE'],
    [['sign', '/a', '-k', 'K', '--ttl=-5'], '--ttl must be more than 0 seconds'],
    [['sign', '/a', '-k', 'K', '--ttl', '2d'], '--ttl is 172800 s, above maxTtl (86400 s); shorten it, or set --expires to an explicit Unix time'],
    [['sign', '/a', '-k', 'K', '--ip', '10.0.0'], '--ip must be an IPv4/IPv6 address or CIDR such as 203.0.113.0/24'],
    [['sign', '/a', '-k', 'K', '--grant', '/b/*'], '--grant does not cover the URL\'s path; the edge would deny it'],
    [['sign', '/a', '-k', 'K', '--scheme', 'secure-token'], '--scheme is "secure-token" but the keyring has no "secureToken" secret to sign the legacy scheme with'],
    [['sign', '/a/%2e%2e/b', '-k', 'K'], 'URL path is not canonical'],
    [['sign', '/a', '-k', 'K', '--expires', '1796297281660'], '--expires is above 10^11, a time in milliseconds, not Unix seconds; divide it by 1000 (date +%s gives seconds)\n'],
    [['verify', '/a', '-k', 'K', '--now', '1796297281660'], '--now is above 10^11, a time in milliseconds'],
    [['sign', 'https://cdn.example\\@evil.example/videos/a.mp4', '-k', 'K'], 'URL has an authority a browser reads differently'],
    [['sign', '/videos/a.mp4', '-k', 'K', '--grant', '/*'], '--grant holds "/*", every path of the edge; narrow it, or opt in with --grant-all\n'],
    [['sign', `/v/${'a'.repeat(3500)}.mp4`, '-k', 'K'], 'the token would be'],
    [['sign', '/v/a.mp4', '-k', 'K', ...Array.from({ length: 15 }, (_, i) => ['--grant', `/v/${'x'.repeat(250)}${i}/*`]).flat(), '--grant', '/v/a.mp4'], 'the token would be'],
    [['sign', '/a'], 'no keyring: pass --keyring FILE (-k FILE), or set env URLSEAL_KEYRING to the keyring JSON (urlseal keygen makes one)'],
    [['verify', '/a', '--now', '-1', '-k', 'K'], '--now needs a value, and the next argument starts with "-"'],
  ])('%j says what to fix, in flags', async (args, message) => {
    const file = keyringFile('flags.json', { kids: { k: 'k'.repeat(32) } });
    const { code, stderr } = await urlsealHere(args.map((a) => (a === 'K' ? file : a)));
    expect(code).toBe(2);
    expect(stderr.startsWith(`urlseal ${args[0]}: ${message}`), stderr).toBe(true);
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
  it.each(bad)('%s: one stderr line, nothing on stdout, exit 2', async (_name, args) => {
    const { code, stdout, stderr } = await urlsealHere(args());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^urlseal( [a-z]+)?: [^\n]+\n$/);
    expect(stderr).not.toMatch(/kkkkkkkk|"short"|Error:/);
  });
});
