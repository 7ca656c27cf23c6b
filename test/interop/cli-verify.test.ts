// `urlseal verify` end to end through the CLI's main(argv), in process (packages/sdk/test/cli/run.ts;
// packages/sdk/test/cli/cli.test.ts runs the built bin itself).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { urlsealHere } from '../../packages/sdk/test/cli/run.js';
import { hs256 } from './helpers.js';

const SECRET = 'cli-verify-secret-0123456789abcdefghij';
const KEYRING = JSON.stringify({ active: 'c1', kids: { c1: SECRET }, secureToken: ['cli-verify-legacy-0123456789abcdefgh'] });
const dir = mkdtempSync(join(tmpdir(), 'urlseal-cli-verify-'));
const keyringFile = join(dir, 'keyring.json');
writeFileSync(keyringFile, KEYRING, { mode: 0o600 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_900_000_000;
const token = (claims: Record<string, unknown>) => hs256(SECRET, 'c1', { iat: NOW, exp: NOW + 300, ...claims });

async function verify(url: string, ...extra: string[]) {
  const r = await urlsealHere(['verify', url, '--keyring', keyringFile, '--now', String(NOW), ...extra]);
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe('urlseal verify', () => {
  it('prints one JSON line and exits 0 when granted', async () => {
    const r = await verify(`https://cdn.example/_token/${token({ path: '/v/*', sub: 's1' })}/v/a.mp4`);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.json).toEqual({ ok: true, status: 200, code: null, claims: expect.objectContaining({ sub: 's1', path: '/v/*' }) });
    expect(Object.keys(r.json)).toEqual(['ok', 'status', 'code', 'claims']);
  });

  it('exits 1 with the code and status of each denial', async () => {
    const t = token({ path: '/v/a.mp4' });
    const cases: Array<[string[], number, string]> = [
      [['https://cdn.example/v/a.mp4'], 401, 'ERR_TOKEN_MISSING'],
      [[`https://cdn.example/v/b.mp4?token=${t}`], 403, 'ERR_PATH_MISMATCH'],
      [[`https://cdn.example/v/a.mp4?token=${t}`, '--now', String(NOW + 3600)], 410, 'ERR_TOKEN_EXPIRED'],
      [[`https://cdn.example/v/%2e%2e/v/a.mp4?token=${t}`], 403, 'ERR_PATH_NONCANONICAL'],
      [[`/v/a.mp4?token=${t.slice(0, -1)}A`], 403, 'ERR_SIGNATURE_INVALID'],
      [[`/v/a.mp4?token=${token({ path: '/v/a.mp4', ip: '10.0.0.0/8' })}`, '--ip', '192.0.2.1'], 403, 'ERR_IP_MISMATCH'],
    ];
    for (const [args, status, code] of cases) {
      const [url, ...rest] = args as [string, ...string[]];
      const r = await verify(url, ...rest);
      expect(r.json, args.join(' ')).toEqual({ ok: false, status, code, claims: null });
      expect(r.code).toBe(1);
    }
  });

  it('reads --header (Bearer, cookie) and --ip', async () => {
    const t = token({ path: '/v/a.mp4', ip: '10.0.0.0/8' });
    expect((await verify('https://cdn.example/v/a.mp4', '--header', `Authorization: Bearer ${t}`, '--ip', '10.1.2.3')).json.ok).toBe(true);
    expect((await verify('https://cdn.example/v/a.mp4', '--header', `Cookie: a=1; urlseal=${t}`, '--ip', '10.1.2.3')).code).toBe(0);
  });

  it('round-trips a URL made by urlseal sign, keyring from env', async () => {
    const signed = await urlsealHere(['sign', 'https://cdn.example/v/a b.mp4', '--ttl', '5m'], { URLSEAL_KEYRING: KEYRING });
    expect(signed.code, signed.stderr).toBe(0);
    const r = await urlsealHere(['verify', signed.stdout.trim()], { URLSEAL_KEYRING: KEYRING });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const legacy = await urlsealHere(['sign', 'https://cdn.example/v/a.mp4', '--scheme', 'secure-token'], { URLSEAL_KEYRING: KEYRING });
    expect((await urlsealHere(['verify', legacy.stdout.trim()], { URLSEAL_KEYRING: KEYRING })).code).toBe(0);
  });

  it('accepts the URL as typed, unencoded, just as sign does; -k names the keyring', async () => {
    const signed = await urlsealHere(['sign', 'https://cdn.example/v/a b ção.mp4', '-k', keyringFile, '--ttl', '5m']);
    expect(signed.stdout).toMatch(/^https:\/\/cdn\.example\/v\/a%20b%20%C3%A7%C3%A3o\.mp4\?token=/);
    const token = signed.stdout.trim().split('token=')[1] as string;
    const typed = await urlsealHere(['verify', `https://cdn.example/v/a b ção.mp4?token=${token}`, '-k', keyringFile]);
    expect(typed.code, typed.stdout + typed.stderr).toBe(0);
    expect(JSON.parse(typed.stdout)).toMatchObject({ ok: true, claims: { path: '/v/a b ção.mp4' } });
    const dotted = await urlsealHere(['verify', `https://cdn.example/v/x/%2e%2e/a b ção.mp4?token=${token}`, '-k', keyringFile]);
    expect(JSON.parse(dotted.stdout)).toMatchObject({ ok: false, code: 'ERR_PATH_NONCANONICAL' });
  });

  it('exits 2 with one stderr line on bad input', async () => {
    for (const args of [
      ['verify'],
      ['verify', 'https://cdn.example/a', '--keyring', join(dir, 'missing.json')],
      ['verify', 'https://cdn.example/a'],
      ['verify', 'https://cdn.example/a', '--keyring', keyringFile, '--now', 'soon'],
      ['verify', 'https://cdn.example/a', '--keyring', keyringFile, '--bogus'],
      ['verify', 'https://cdn.example/a', '--keyring', keyringFile, '--header', 'no colon'],
      ['verify', 'not a url', '--keyring', keyringFile],
    ]) {
      const r = await urlsealHere(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
