// Revocation (issue 18): the rule, the store-fault answers and the cache, through
// `handle` (Web) and `decide`/`verifyToken` on both crypto backends.
import { describe, expect, it } from 'vitest';
import { handle } from '../src/web/handle.js';
import type { RevocationEntries, RevocationSource } from '../src/contract/revocation-list.js';
import { NOW, backends, claims, hs256, keyringJson } from './helpers.js';

const url = (path: string) => `https://cdn.test${path}`;
const PATH = '/videos/course-1/a.ts';

/** A source over a table, counting lookups; `mode` turns it into a faulty store. */
function memorySource(table: { sub?: Record<string, number>; sid?: Record<string, number> } = {}) {
  const state = { lookups: 0, mode: 'ok' as 'ok' | 'throw' | 'reject' | 'hang' | 'garbage' | 'async', garbage: undefined as unknown };
  const source: RevocationSource = {
    lookup(sub, sid) {
      state.lookups++;
      const entries: RevocationEntries = {
        subNotBefore: sub === undefined ? undefined : table.sub?.[sub],
        sidUntil: sid === undefined ? undefined : table.sid?.[sid],
      };
      switch (state.mode) {
        case 'throw':
          throw new Error('store down');
        case 'reject':
          return Promise.reject(new Error('store down'));
        case 'hang':
          return new Promise(() => undefined);
        case 'garbage':
          return state.garbage as RevocationEntries;
        case 'async':
          return Promise.resolve(entries);
        default:
          return entries;
      }
    },
  };
  return { source, state, table };
}

const origin = async () => new Response('ok');

describe.each(backends)('revocation (%s backend)', (_name, createVerifier) => {
  const make = (source: RevocationSource, onStoreError: 'deny' | 'allow' = 'deny', extra: Record<string, unknown> = {}, now = () => NOW * 1000) =>
    createVerifier({ keyring: keyringJson, currentDate: () => new Date(now()), revocation: { source, onStoreError, timeout: 50, ...extra } });
  const get = (token: string) => new Request(url(`${PATH}?token=${token}`));
  const answer = async (verifier: ReturnType<typeof make>, token: string) => {
    const response = await handle(verifier, get(token), origin);
    return { status: response.status, code: response.headers.get('x-urlseal-error') };
  };

  it('a subject entry revokes the user’s tokens with iat < notBefore, and no others', async () => {
    const { source } = memorySource({ sub: { ada: NOW } });
    const verifier = make(source);
    expect(await answer(verifier, hs256(claims({ sub: 'ada', iat: NOW - 1 })))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    // A token without iat cannot show it was issued after the entry: revoked.
    const { iat: _iat, ...noIat } = claims({ sub: 'ada' });
    expect(await answer(verifier, hs256(noIat))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(await answer(verifier, hs256(claims({ sub: 'ada', iat: NOW })))).toEqual({ status: 200, code: null });
    expect(await answer(verifier, hs256(claims({ sub: 'bob', iat: NOW - 1 })))).toEqual({ status: 200, code: null });
    expect(await answer(verifier, hs256(claims()))).toEqual({ status: 200, code: null });
    const denied = await verifier.verifyToken(hs256(claims({ sub: 'ada', iat: NOW - 1 })), PATH);
    expect(denied).toMatchObject({ ok: false, status: 403, code: 'ERR_TOKEN_REVOKED', detail: 'sub' });
  });

  it('a session entry revokes the session’s tokens until `until`, then the entry has expired', async () => {
    const { source } = memorySource({ sid: { s1: NOW + 60, old: NOW } });
    const verifier = make(source);
    expect(await answer(verifier, hs256(claims({ sid: 's1' })))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(await answer(verifier, hs256(claims({ sub: 'ada', sid: 's1' })))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(await answer(verifier, hs256(claims({ sid: 'old' })))).toEqual({ status: 200, code: null });
    expect(await answer(verifier, hs256(claims({ sid: 's2' })))).toEqual({ status: 200, code: null });
    expect(await answer(verifier, hs256(claims({ sid: 42 })))).toEqual({ status: 401, code: 'ERR_CLAIM_INVALID' });
  });

  it('a subject entry older than the token has expired too', async () => {
    const { source } = memorySource({ sub: { ada: NOW - 3600 } });
    expect(await answer(make(source), hs256(claims({ sub: 'ada' })))).toEqual({ status: 200, code: null });
  });

  it('an asynchronous store answers the same', async () => {
    const memory = memorySource({ sub: { ada: NOW } });
    memory.state.mode = 'async';
    const verifier = make(memory.source);
    expect(await answer(verifier, hs256(claims({ sub: 'ada', iat: NOW - 1 })))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(await answer(verifier, hs256(claims({ sub: 'bob' })))).toEqual({ status: 200, code: null });
  });

  describe.each(['throw', 'reject', 'hang', 'garbage'] as const)('a store that fails (%s)', (mode) => {
    const garbage: unknown[] = [42, 'x', [], { subNotBefore: '1' }, { sidUntil: 1.5 }, { subNotBefore: Number.NaN }];
    for (const value of mode === 'garbage' ? garbage : [undefined]) {
      it(`denies 503 ERR_REVOCATION_UNAVAILABLE with onStoreError "deny", passes with "allow" (${JSON.stringify(value) ?? ''})`, async () => {
        const memory = memorySource();
        memory.state.mode = mode;
        memory.state.garbage = value;
        const token = hs256(claims({ sub: 'ada' }));
        expect(await answer(make(memory.source, 'deny'), token)).toEqual({ status: 503, code: 'ERR_REVOCATION_UNAVAILABLE' });
        expect(await answer(make(memory.source, 'allow'), token)).toEqual({ status: 200, code: null });
        // A token with neither sub nor sid never asks the store.
        const before = memory.state.lookups;
        expect(await answer(make(memory.source, 'deny'), hs256(claims()))).toEqual({ status: 200, code: null });
        expect(memory.state.lookups).toBe(before);
      });
    }
  });

  it('never looks up a token denied before: forged, expired, out of its grant, wrong ip, not yet valid', async () => {
    const memory = memorySource({ sub: { ada: NOW + 10 } });
    const verifier = make(memory.source);
    const sub = { sub: 'ada', sid: 's1' };
    const denied = [
      [hs256(claims(sub), undefined, 'another-secret-of-at-least-32-bytes!!'), 403, 'ERR_SIGNATURE_INVALID'],
      [hs256(claims({ ...sub, exp: NOW - 60 })), 410, 'ERR_TOKEN_EXPIRED'],
      [hs256(claims({ ...sub, path: '/other/*' })), 403, 'ERR_PATH_MISMATCH'],
      [hs256(claims({ ...sub, ip: '198.51.100.1' })), 403, 'ERR_IP_MISMATCH'],
      [hs256(claims({ ...sub, nbf: NOW + 3600 })), 401, 'ERR_CLAIM_INVALID'],
      [hs256(claims(sub), { alg: 'HS256', kid: 'nope', typ: 'JWT' }), 401, 'ERR_KID_UNKNOWN'],
    ] as const;
    for (const [token, status, code] of denied) expect(await answer(verifier, token)).toEqual({ status, code });
    expect(memory.state.lookups).toBe(0);
    expect(await answer(verifier, hs256(claims(sub)))).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(memory.state.lookups).toBe(1);
  });

  it('caches answers per sub/sid for cacheTtl seconds, bounded by cacheSize; faults are not cached', async () => {
    let now = NOW * 1000;
    const memory = memorySource({ sub: {} });
    const verifier = make(memory.source, 'deny', { cacheTtl: 5, cacheSize: 2 }, () => now);
    const ada = hs256(claims({ sub: 'ada' }));
    expect(await answer(verifier, ada)).toEqual({ status: 200, code: null });
    memory.table.sub = { ada: NOW + 1 }; // revoked in the store, not yet seen
    expect(await answer(verifier, ada)).toEqual({ status: 200, code: null });
    expect(memory.state.lookups).toBe(1);
    now += 5000; // the cached answer is now too old
    expect(await answer(verifier, ada)).toEqual({ status: 403, code: 'ERR_TOKEN_REVOKED' });
    expect(memory.state.lookups).toBe(2);
    // Two other pairs push ada's answer out of a cache of two.
    await answer(verifier, hs256(claims({ sub: 'bob' })));
    await answer(verifier, hs256(claims({ sub: 'cy' })));
    await answer(verifier, ada);
    expect(memory.state.lookups).toBe(5);
    // A store fault is asked again next time.
    memory.state.mode = 'throw';
    const dee = hs256(claims({ sub: 'dee' }));
    expect((await answer(verifier, dee)).status).toBe(503);
    expect((await answer(verifier, dee)).status).toBe(503);
    expect(memory.state.lookups).toBe(7);
  });

  it('refuses a source without an explicit onStoreError, and bad members, naming them', () => {
    const { source } = memorySource();
    const bad: Array<[string, unknown]> = [
      ['revocation.onStoreError', { source }],
      ['revocation.onStoreError', { source, onStoreError: 'pass' }],
      ['revocation.source', { onStoreError: 'deny' }],
      ['revocation.source', { source: {}, onStoreError: 'deny' }],
      ['revocation.cacheTtl', { source, onStoreError: 'deny', cacheTtl: 31 }],
      ['revocation.timeout', { source, onStoreError: 'deny', timeout: 0 }],
      ['revocation.cacheSize', { source, onStoreError: 'deny', cacheSize: 0 }],
      ['revocation.typo', { source, onStoreError: 'deny', typo: 1 }],
      ['revocation', 'file.json'],
    ];
    for (const [name, revocation] of bad) {
      expect(() => createVerifier({ keyring: keyringJson, revocation: revocation as never })).toThrow(new RegExp(`option "${name.replace('.', '\\.')}"`));
    }
  });

  it('decides synchronously on a synchronous store with the node backend, and the answer is the same either way', () => {
    const { source } = memorySource({ sub: { ada: NOW } });
    const verifier = make(source);
    const decision = verifier.decide({ method: 'GET', target: `${PATH}?token=${hs256(claims({ sub: 'ada', iat: NOW - 1 }))}`, header: () => undefined });
    return Promise.resolve(decision).then((settled) => expect(settled).toMatchObject({ ok: false, status: 403, code: 'ERR_TOKEN_REVOKED' }));
  });

  it('statuses can override ERR_TOKEN_REVOKED and ERR_REVOCATION_UNAVAILABLE', async () => {
    const memory = memorySource({ sub: { ada: NOW } });
    const verifier = createVerifier({
      keyring: keyringJson,
      currentDate: new Date(NOW * 1000),
      statuses: { ERR_TOKEN_REVOKED: 401 },
      revocation: { source: memory.source, onStoreError: 'deny' },
    });
    expect(await answer(verifier, hs256(claims({ sub: 'ada', iat: NOW - 1 })))).toEqual({ status: 401, code: 'ERR_TOKEN_REVOKED' });
  });
});
