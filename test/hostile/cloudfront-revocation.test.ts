// Revocation in the KeyValueStore CloudFront Functions (issue 18; docs/spec.md §9 "Revocation"):
// `buildCloudFrontFunction({ kvs: true, revocation: { onStoreError } })`, as `urlseal build
// cloudfront --kvs --revocations kvs --on-store-error …` writes it, run in the CloudFront-like
// node:vm context and in Debian's njs 0.7.9, over a store that holds the kids' keys and the
// revocation entries under `sub:<user>` / `sid:<session>`.
//
// - The store contract: revoked, not revoked, entry expired, store failing (deny and allow),
//   garbage in the store, a key too long for the store, a non-string sid; every row in both
//   engines, with the same answers.
// - The hostile table with revocation entries for other users and sessions: every case answers
//   as the KeyValueStore function does, but for the country rules this function leaves out
//   (a token with a geo claim is ERR_GEO_MISMATCH, as on the other edges without them), and a
//   denied case never reads a revocation key.
import { buildCloudFrontFunction, CLOUDFRONT_MAX_BYTES } from '@urlseal/edge/build';
import { describe, expect, test } from 'vitest';
import { CASES, Ctx, KEYRING_JSON, type Expectation, type HostileCase } from './cases.js';
import { checkCloudFrontResult, cloudFrontEvent, loadCloudFrontFunction, type CloudFrontResult } from './cloudfront-runtime.js';
import { CLIENT_IP, NOW, mintJwt } from './helpers.js';
import { runInNjs } from './njs-runtime.js';

const VID = '/videos/a.mp4';

function built(onStoreError: 'deny' | 'allow', statuses?: Record<string, number>) {
  return buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'jwt', kvs: true, revocation: { onStoreError }, ...(statuses === undefined ? {} : { statuses }) });
}

const KEYS = new Map((built('deny').kvsData ?? []).map((entry) => [entry.key, entry.value] as const));

/** Entries for other users and sessions: a lookup happens, none matches the table's tokens. */
const OTHERS: Record<string, string> = { 'sub:someone-else': String(NOW + 3600), 'sid:another-session': String(NOW + 3600) };

interface Row {
  name: string;
  claims: Record<string, unknown>;
  entries?: Record<string, string>;
  failKeys?: string[];
  onStoreError?: 'deny' | 'allow';
  /** The status and code of the denial, or null for a grant. */
  want: { status: number; code: string } | null;
  /** The revocation keys read, in order (with `exists` and then `get` for a key that is there). */
  reads?: string[];
}

const REVOKED = { status: 403, code: 'ERR_TOKEN_REVOKED' };
const UNAVAILABLE = { status: 503, code: 'ERR_REVOCATION_UNAVAILABLE' };
const LONG_SID = 's'.repeat(509); // 'sid:' + 509 bytes: 513, one more than a key may hold

const ROWS: Row[] = [
  { name: 'a token with neither sub nor sid is never looked up', claims: {}, entries: OTHERS, want: null, reads: [] },
  { name: 'sub with no entry passes', claims: { sub: 'ada' }, entries: OTHERS, want: null, reads: ['sub:ada'] },
  { name: 'sub entry after iat revokes', claims: { sub: 'ada', iat: NOW - 60 }, entries: { 'sub:ada': String(NOW - 59) }, want: REVOKED, reads: ['sub:ada', 'sub:ada'] },
  { name: 'sub entry equal to iat passes (links signed at or after the second)', claims: { sub: 'ada', iat: NOW - 60 }, entries: { 'sub:ada': String(NOW - 60) }, want: null },
  { name: 'sub entry before iat passes', claims: { sub: 'ada', iat: NOW }, entries: { 'sub:ada': String(NOW - 1) }, want: null },
  { name: 'sub entry and a token without iat: revoked', claims: { sub: 'ada', iat: undefined }, entries: { 'sub:ada': '0' }, want: REVOKED },
  { name: 'sid entry until later revokes', claims: { sid: 'session-1' }, entries: { 'sid:session-1': String(NOW + 1) }, want: REVOKED, reads: ['sid:session-1', 'sid:session-1'] },
  { name: 'sid entry until now has expired: passes', claims: { sid: 'session-1' }, entries: { 'sid:session-1': String(NOW) }, want: null },
  { name: 'sub passes, sid revokes', claims: { sub: 'ada', sid: 'session-1' }, entries: { 'sub:ada': String(NOW - 3600), 'sid:session-1': String(NOW + 60) }, want: REVOKED },
  { name: 'sub revokes, sid has no entry', claims: { sub: 'ada', sid: 'session-1', iat: NOW - 10 }, entries: { 'sub:ada': String(NOW) }, want: REVOKED },
  { name: 'a sid that is not a string is ERR_CLAIM_INVALID, never looked up', claims: { sub: 'ada', sid: 42 }, entries: OTHERS, want: { status: 401, code: 'ERR_CLAIM_INVALID' }, reads: [] },
  { name: 'store failing, deny: 503', claims: { sub: 'ada' }, failKeys: ['sub:ada'], want: UNAVAILABLE },
  { name: 'store failing, allow: passes', claims: { sub: 'ada' }, failKeys: ['sub:ada'], onStoreError: 'allow', want: null },
  { name: 'store failing for the sid only, deny: 503', claims: { sub: 'ada', sid: 'session-1' }, failKeys: ['sid:session-1'], want: UNAVAILABLE },
  { name: 'garbage in the store (not a Unix time) is a store fault, deny', claims: { sub: 'ada' }, entries: { 'sub:ada': 'soon' }, want: UNAVAILABLE },
  { name: 'garbage in the store, allow: passes', claims: { sub: 'ada' }, entries: { 'sub:ada': '-1' }, onStoreError: 'allow', want: null },
  { name: 'a leading zero is no Unix time: store fault', claims: { sub: 'ada' }, entries: { 'sub:ada': '01900000000' }, want: UNAVAILABLE },
  { name: 'a time past 2^53 is no Unix time: store fault', claims: { sid: 'session-1' }, entries: { 'sid:session-1': '9999999999999999' }, want: UNAVAILABLE },
  { name: 'a key longer than the store takes (512 bytes) is a store fault, never read', claims: { sid: LONG_SID }, want: UNAVAILABLE, reads: [] },
  { name: 'a key of 512 bytes exactly is read', claims: { sid: LONG_SID.slice(1) }, want: null, reads: [`sid:${LONG_SID.slice(1)}`] },
  { name: 'an expired token is ERR_TOKEN_EXPIRED and costs no lookup', claims: { sub: 'ada', exp: NOW - 3600, iat: NOW - 3900 }, entries: { 'sub:ada': String(NOW) }, want: { status: 410, code: 'ERR_TOKEN_EXPIRED' }, reads: [] },
  { name: 'a token for another path is ERR_PATH_MISMATCH and costs no lookup', claims: { sub: 'ada', path: '/videos/b.mp4' }, entries: { 'sub:ada': String(NOW) }, want: { status: 403, code: 'ERR_PATH_MISMATCH' }, reads: [] },
];

function eventOf(row: Row) {
  return cloudFrontEvent({ method: 'GET', url: `${VID}?token=${mintJwt({ claims: row.claims })}`, headers: {} }, CLIENT_IP);
}

function storeOf(row: Row): Map<string, string> {
  return new Map([...KEYS, ...Object.entries(row.entries ?? {})]);
}

function answerOf(result: CloudFrontResult): { status: number; code: string } | null {
  if (!('statusCode' in result)) return null;
  return { status: result.statusCode, code: result.headers['x-urlseal-error']?.value ?? '' };
}

describe('revocation in a KeyValueStore CloudFront Function', () => {
  test('the function with the lookup fits CloudFront\'s 10 KB, says so in its notes, and carries the mode', () => {
    for (const mode of ['deny', 'allow'] as const) {
      const fn = built(mode);
      expect(fn.bytes).toBeLessThanOrEqual(CLOUDFRONT_MAX_BYTES);
      expect(fn.revocation).toBe(mode);
      expect(fn.code).toContain(`cf.kvs(),"${mode}")`);
      expect(fn.notes.join('\n')).toMatch(/revocations are read from the KeyValueStore/);
      expect(fn.notes.join('\n')).toMatch(/"geo" claim are denied/);
    }
  });

  test.each(ROWS.map((row) => [row.name, row] as [string, Row]))('node:vm: %s', async (_name, row) => {
    const reads: string[] = [];
    const handler = loadCloudFrontFunction(built(row.onStoreError ?? 'deny').code, { nowMs: NOW * 1000, kvs: storeOf(row), failKeys: row.failKeys ?? [], reads });
    expect(answerOf(await handler(eventOf(row)))).toEqual(row.want);
    if (row.reads !== undefined) expect(reads.filter((key) => !key.startsWith('urlseal.'))).toEqual(row.reads);
  });

  test.each(ROWS.map((row) => [row.name, row] as [string, Row]))('njs: %s', (_name, row) => {
    const [result] = runInNjs('revocation', built(row.onStoreError ?? 'deny').code, [eventOf(row)], Object.fromEntries(storeOf(row)), NOW, row.failKeys ?? []);
    expect(answerOf(result as CloudFrontResult)).toEqual(row.want);
  });

  test('statuses reach the revocation codes (a custom 404 for ERR_TOKEN_REVOKED)', async () => {
    const row = ROWS.find((r) => r.want === REVOKED) as Row;
    const handler = loadCloudFrontFunction(built('deny', { ERR_TOKEN_REVOKED: 404 }).code, { nowMs: NOW * 1000, kvs: storeOf(row) });
    expect(answerOf(await handler(eventOf(row)))).toEqual({ status: 404, code: 'ERR_TOKEN_REVOKED' });
  });

  test('a revoked answer names neither the user nor the session', async () => {
    const row: Row = { name: 'secret ids', claims: { sub: 'user-with-a-secret-name', sid: 'session-with-a-secret-id' }, entries: { 'sid:session-with-a-secret-id': String(NOW + 60) }, want: REVOKED };
    const result = await loadCloudFrontFunction(built('deny').code, { nowMs: NOW * 1000, kvs: storeOf(row) })(eventOf(row));
    expect(answerOf(result)).toEqual(REVOKED);
    expect(JSON.stringify(result)).not.toMatch(/secret-name|secret-id/);
  });

  test('the builder refuses revocation without a KeyValueStore, without onStoreError and for secure-token alone', () => {
    expect(() => buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'jwt', revocation: { onStoreError: 'deny' } })).toThrow(/add kvs/);
    expect(() => buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'jwt', kvs: true, revocation: {} as { onStoreError: 'deny' } })).toThrow(/onStoreError is required/);
    expect(() => buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'secure-token', kvs: true, revocation: { onStoreError: 'deny' } })).toThrow(/revocation needs JWTs/);
  });
});

/**
 * The table's 4096-byte token is padded through its `sub` (helpers.ts mintJwtOfLength): its key,
 * `sub:` and ~3,000 bytes, is longer than a KeyValueStore key may be, so the lookup is a store
 * fault, and with onStoreError "deny" a 503 (docs/spec.md §9: a key longer than the store allows).
 */
const SUB_TOO_LONG_FOR_A_KEY = new Set(['control: a 4096-byte token (the maximum size)']);

/** What the revocation function owes a hostile case: the KeyValueStore function's answer, without country rules. */
function revocationExpectation(hostile: HostileCase): Expectation {
  if (SUB_TOO_LONG_FOR_A_KEY.has(hostile.name)) return { status: 503, code: 'ERR_REVOCATION_UNAVAILABLE' };
  return hostile.noSealed ?? hostile.noIpClaims ?? hostile.hs256Only ?? hostile.noCountryRules ?? hostile.expect;
}

describe('hostile table through the revocation CloudFront Function (entries for others in the store)', () => {
  const fn = built('deny');
  const store = new Map([...KEYS, ...Object.entries(OTHERS)]);
  // The JWT cases: the secure-token ones go to a function of that scheme (cloudfront.test.ts).
  const jwtCases = CASES.filter((c) => !/[?&]st=/.test(c.build(new Ctx()).url));
  let lookups = 0;

  test.each(jwtCases.map((c) => [c.name, c] as [string, HostileCase]))('node:vm: %s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    const reads: string[] = [];
    const handler = loadCloudFrontFunction(fn.code, { nowMs: NOW * 1000, kvs: store, reads });
    const want = revocationExpectation(hostile);
    checkCloudFrontResult(hostile, ctx, request, await handler(cloudFrontEvent(request, CLIENT_IP)), want);
    const revocationReads = reads.filter((key) => !key.startsWith('urlseal.'));
    if (want.code !== null) expect(revocationReads, 'a denied request never reads a revocation key').toEqual([]);
    lookups += revocationReads.length;
  });

  test('the store was read for the granted tokens with a sub (the lookup ran at all)', () => {
    expect(lookups).toBeGreaterThan(0);
  });

  test('every case named as a sub too long for a key is in the table, and grants without revocation', () => {
    for (const name of SUB_TOO_LONG_FOR_A_KEY) expect(CASES.find((c) => c.name === name)?.expect.code, name).toBeNull();
  });

  test('njs answers every case as node:vm', () => {
    const runs = jwtCases.map((hostile) => {
      const ctx = new Ctx();
      const request = hostile.build(ctx);
      return { hostile, ctx, request, event: cloudFrontEvent(request, CLIENT_IP) };
    });
    const answers = runInNjs('revocation-table', fn.code, runs.map((r) => r.event), Object.fromEntries(store));
    runs.forEach((run, i) => checkCloudFrontResult(run.hostile, run.ctx, run.request, answers[i] as CloudFrontResult, run.hostile.njs ?? revocationExpectation(run.hostile)));
  });
});
