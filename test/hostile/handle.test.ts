// The hostile table through `handle`, on both crypto backends (node:crypto and crypto.subtle),
// with a recording fake origin.
import { describe, expect, test } from 'vitest';
import { createVerifier as createNodeVerifier, handle } from '@urlseal/edge';
import { createVerifier as createWebVerifier } from '../../packages/edge/src/web/index.js';
import { CASES, Ctx, KEYRING_JSON, headerLines, type Expectation, type HostileCase } from './cases.js';
import { CLIENT_IP, NOW_DATE } from './helpers.js';
import { assertDenial, assertForward, assertNoCarrier, type EdgeAnswer, type SeenByOrigin } from './assertions.js';

const ORIGIN_BODY = 'origin-body-0123456789';

function recordingOrigin(): { seen: SeenByOrigin[]; fetchOrigin: (forward: Request) => Promise<Response> } {
  const seen: SeenByOrigin[] = [];
  return {
    seen,
    fetchOrigin: async (forward: Request) => {
      const url = new URL(forward.url);
      const headers: Record<string, string> = {};
      forward.headers.forEach((v, k) => (headers[k] = v));
      seen.push({ method: forward.method, target: url.pathname + url.search, headers });
      if (forward.method === 'HEAD') return new Response(null, { status: 200, headers: { 'content-length': String(ORIGIN_BODY.length) } });
      if (headers['range']) {
        return new Response(ORIGIN_BODY.slice(0, 4), {
          status: 206,
          headers: { 'content-range': `bytes 0-3/${ORIGIN_BODY.length}`, 'content-type': 'video/mp4' },
        });
      }
      return new Response(ORIGIN_BODY, { status: 200, headers: { 'content-type': 'video/mp4' } });
    },
  };
}

const options = { keyring: KEYRING_JSON, currentDate: () => NOW_DATE };
const backends = [
  // the node backend gets the raw target with its query (as Node's req.url), the Web one the path only
  { name: 'node backend', verifier: createNodeVerifier(options), withQuery: true },
  { name: 'web backend', verifier: createWebVerifier(options), withQuery: false },
];

test('the table has at least 60 cases with unique names, controls and denials', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(60);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  expect(CASES.filter((c) => c.expect.code === null).length).toBeGreaterThanOrEqual(10);
  expect(CASES.filter((c) => c.expect.code !== null).length).toBeGreaterThanOrEqual(60);
});

async function runCase(verifier: typeof backends[number]['verifier'], withQuery: boolean, hostile: HostileCase, want: Expectation): Promise<void> {
  const ctx = new Ctx();
  const req = hostile.build(ctx);
  const request = new Request(`http://edge.test${req.url}`, { method: req.method, headers: headerLines(req) as [string, string][] });
  const rawPath = withQuery ? req.url : req.url.split('?')[0];
  const origin = recordingOrigin();
  const response = await handle(verifier, request, origin.fetchOrigin, { clientIp: CLIENT_IP, rawPath });
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  const body = await response.text();
  const answer: EdgeAnswer = { status: response.status, headers, body, method: req.method };

  if (want.code === null) {
    expect({ status: answer.status, code: headers['x-urlseal-error'] ?? null }).toEqual({ status: want.status, code: null });
    expect(origin.seen).toHaveLength(1);
    expect(origin.seen[0]!.method).toBe(req.method);
    if (req.method !== 'HEAD') expect(body).toBe(want.status === 206 ? ORIGIN_BODY.slice(0, 4) : ORIGIN_BODY);
    if (want.status === 206) expect(headers['content-range']).toBe(`bytes 0-3/${ORIGIN_BODY.length}`);
    if (want.forward) assertForward(origin.seen[0]!, want.forward);
  } else {
    assertDenial(answer, want, ctx.secrets);
    expect(origin.seen, 'a denied request must never reach the origin').toHaveLength(0);
  }
  for (const seen of origin.seen) assertNoCarrier(seen, ctx.secrets);
}

describe.each(backends)('hostile table via handle ($name)', ({ verifier, withQuery }) => {
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    await runCase(verifier, withQuery, hostile, hostile.expect);
  });
});

// A19: an edge with HMAC-SHA256 only answers as the core does with `algorithms: ['HS256']`.
describe('hostile table via handle, algorithms HS256 only (the hs256Only answers, A19)', () => {
  const verifier = createNodeVerifier({ ...options, algorithms: ['HS256'] });
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    await runCase(verifier, true, hostile, hostile.hs256Only ?? hostile.expect);
  });
});

// Issue 18: with a revocation source configured (asynchronous, holding entries for other users
// and sessions), every case answers as without one, and a denied case never asks the store.
describe.each([
  { name: 'node backend', create: createNodeVerifier, withQuery: true },
  { name: 'web backend', create: createWebVerifier, withQuery: false },
])('hostile table via handle with a revocation source ($name)', ({ create, withQuery }) => {
  let lookups = 0;
  const source = {
    lookup: () => {
      lookups++;
      return Promise.resolve({ subNotBefore: undefined, sidUntil: undefined });
    },
  };
  const verifier = create({ ...options, revocation: { source, onStoreError: 'deny' as const, cacheTtl: 0 } });
  test.each(CASES.map((c) => [c.name, c] as [string, HostileCase]))('%s', async (_name, hostile) => {
    const before = lookups;
    await runCase(verifier, withQuery, hostile, hostile.expect);
    if (hostile.expect.code !== null) expect(lookups, 'a denied request never costs a lookup').toBe(before);
  });
  test('the store was asked for the granted tokens with a sub (the check ran at all)', () => {
    expect(lookups).toBeGreaterThan(0);
  });
});
