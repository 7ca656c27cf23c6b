// The writer side of revocation (issue 18): revokeUser / revokeSession /
// listRevocations on a file — atomic 0600 writes, entries only moved later,
// forgettable entries dropped, ids that are prototype names kept as entries.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRevocations } from '@urlseal/edge/contract';
import { listRevocations, revokeSession, revokeUser } from '@urlseal/sdk';

const dir = mkdtempSync(join(tmpdir(), 'urlseal-revoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = 1_900_000_000;

describe('revokeUser / revokeSession', () => {
  it('write a 0600 file the edge reads, leaving no temporary or lock file', async () => {
    const file = join(dir, 'a.json');
    expect(await revokeUser(file, 'ada', { now: NOW })).toEqual({ sub: 'ada', notBefore: NOW, forgetAt: NOW + 86400 + 30 });
    expect(await revokeSession(file, 'login-7', { now: NOW })).toEqual({ sid: 'login-7', until: NOW + 86430 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name !== 'a.json')).toEqual([]);
    const list = parseRevocations(readFileSync(file, 'utf8'));
    expect(list.sub.get('ada')).toBe(NOW);
    expect(list.sid.get('login-7')).toBe(NOW + 86430);
  });

  it('only ever move an entry later, and drop entries no token can match any more', async () => {
    const file = join(dir, 'b.json');
    await revokeUser(file, 'ada', { now: NOW, before: NOW + 100 });
    expect((await revokeUser(file, 'ada', { now: NOW, before: NOW })).notBefore).toBe(NOW + 100);
    await revokeSession(file, 's-old', { now: NOW, until: NOW + 5 });
    await revokeUser(file, 'bob', { now: NOW + 10, maxTtl: 60, leeway: 0 });
    // With maxTtl 60: ada's entry matters until NOW + 160, bob's until NOW + 70, s-old's until NOW + 5.
    const list = await listRevocations(file, { now: NOW + 120, maxTtl: 60, leeway: 0 });
    expect({ sub: { ...list.sub }, sid: { ...list.sid } }).toEqual({ sub: { ada: NOW + 100 }, sid: {} });
    await revokeUser(file, 'cy', { now: NOW + 200, maxTtl: 60, leeway: 0 });
    expect([...parseRevocations(readFileSync(file, 'utf8')).sub.keys()]).toEqual(['cy']);
    expect(parseRevocations(readFileSync(file, 'utf8')).sid.size).toBe(0);
  });

  it('keep an id such as __proto__ as an entry like any other', async () => {
    const file = join(dir, 'c.json');
    await revokeUser(file, '__proto__', { now: NOW });
    await revokeUser(file, 'constructor', { now: NOW });
    expect([...parseRevocations(readFileSync(file, 'utf8')).sub.keys()].sort()).toEqual(['__proto__', 'constructor']);
  });

  it('refuse a file that is not a revocation list, bad ids and bad options, without echoing the id', async () => {
    const file = join(dir, 'd.json');
    writeFileSync(file, '{"sub": {"x": "soon"}}');
    await expect(revokeUser(file, 'ada')).rejects.toThrow(/is not a revocation list .*"sub" entry 1/);
    expect(readFileSync(file, 'utf8')).toBe('{"sub": {"x": "soon"}}');
    await expect(revokeUser(join(dir, 'e.json'), '')).rejects.toThrow(/revokeUser: sub must be a string/);
    await expect(revokeSession(join(dir, 'e.json'), 'x', { until: -1 })).rejects.toThrow(/option "until"/);
    await expect(revokeUser(join(dir, 'e.json'), 'x', { befor: 1 } as never)).rejects.toThrow(/option "befor" is unknown/);
  });
});
