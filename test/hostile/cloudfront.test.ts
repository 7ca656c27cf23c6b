// The hostile table through CloudFront Functions built by buildCloudFrontFunction (what
// `urlseal build cloudfront` writes), run in a CloudFront-like node:vm context
// (cloudfront-runtime.ts): keys inline and from a KeyValueStore, one function per scheme
// (A21), and the both-schemes function (inline and KeyValueStore), with the answers of an HS256-only
// edge without `ip` claims (A19, A20).
import { buildCloudFrontFunction, CLOUDFRONT_MAX_BYTES } from '@urlseal/edge/build';
import { describe, expect, test } from 'vitest';
import { CASES, Ctx, KEYRING_JSON, type HostileCase } from './cases.js';
import {
  carriesSecureToken,
  checkCloudFrontResult,
  cloudFrontEvent,
  loadCloudFrontFunction,
  type CloudFrontEvent,
  type CloudFrontResult,
} from './cloudfront-runtime.js';
import { CLIENT_IP, NOW } from './helpers.js';

type Handler = (event: CloudFrontEvent) => Promise<CloudFrontResult>;

/** Builds the JWT and the secure-token function of KEYRING_JSON, inline or with a KeyValueStore. */
function functions(kvs: boolean): { jwt: Handler; secureToken: Handler; bytes: number[] } {
  const jwt = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'jwt', kvs });
  const secureToken = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'secure-token', kvs });
  const store = new Map([...(jwt.kvsData ?? []), ...(secureToken.kvsData ?? [])].map((entry) => [entry.key, entry.value] as const));
  const options = { nowMs: NOW * 1000, kvs: store };
  return {
    jwt: loadCloudFrontFunction(jwt.code, options),
    secureToken: loadCloudFrontFunction(secureToken.code, options),
    bytes: [jwt.bytes, secureToken.bytes],
  };
}

describe.each([
  { name: 'keys inline', kvs: false },
  { name: 'keys in a KeyValueStore', kvs: true },
])('hostile table through CloudFront Functions ($name)', ({ kvs }) => {
  const built = functions(kvs);

  test('each function fits CloudFront\'s 10 KB', () => {
    for (const bytes of built.bytes) expect(bytes).toBeLessThanOrEqual(CLOUDFRONT_MAX_BYTES);
  });

  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    const handler = carriesSecureToken(request) ? built.secureToken : built.jwt;
    checkCloudFrontResult(hostile, ctx, request, await handler(cloudFrontEvent(request, CLIENT_IP)));
  });
});

describe.each([
  { name: 'keys inline', kvs: false },
  { name: 'keys in a KeyValueStore', kvs: true },
])('hostile table through the both-schemes CloudFront Function ($name)', ({ kvs }) => {
  const built = buildCloudFrontFunction({ keyring: KEYRING_JSON, scheme: 'both', kvs });
  const store = new Map((built.kvsData ?? []).map((entry) => [entry.key, entry.value] as const));
  const handler = loadCloudFrontFunction(built.code, { nowMs: NOW * 1000, kvs: store });

  test('it fits CloudFront\'s 10 KB', () => {
    expect(built.scheme).toBe('both');
    expect(built.bytes).toBeLessThanOrEqual(CLOUDFRONT_MAX_BYTES);
  });

  // One function answers every case: the JWT cases as the JWT function, the secure-token ones as the secure-token function.
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const ctx = new Ctx();
    const request = hostile.build(ctx);
    checkCloudFrontResult(hostile, ctx, request, await handler(cloudFrontEvent(request, CLIENT_IP)));
  });
});
