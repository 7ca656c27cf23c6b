// attachShaka against the real Shaka Player 5 networking engine and its fetch plugin
// (Node's fetch), talking to a stand-in edge on 127.0.0.1.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource } from '../src/source.js';
import { attachShaka, type ShakaLike } from '../src/adapters/shaka.js';
import { clock, refresher, startEdgeStub, T0, tamperedCase, tokenAt, type EdgeStub } from './helpers.js';

// The compiled library looks for a window when it loads; Node's fetch, AbortController
// and ReadableStream are what its HttpFetchPlugin then uses.
Object.assign(globalThis, {
  window: globalThis,
  self: globalThis,
  navigator: { userAgent: 'node', platform: 'node', vendor: '' },
  document: { createElement: () => ({}), addEventListener() {}, readyState: 'complete', documentElement: {} },
});
interface ShakaError {
  code: number;
  data: unknown[];
}
interface Engine {
  configure(config: unknown): void;
  request(type: number, request: unknown): { promise: Promise<{ status: number; uri: string }> };
}
const shaka = createRequire(import.meta.url)('shaka-player') as {
  net: { NetworkingEngine: (new () => Engine) & { makeRequest(uris: string[], retry: unknown): unknown; RequestType: { SEGMENT: number } } };
  util: { PlayerConfiguration: { createDefault(): { networking: unknown } } };
  polyfill: { Map: { install(): void } };
};
// What a Shaka app does first (`shaka.polyfill.installAll()`), for the part the engine needs.
shaka.polyfill.Map.install();

const old = tokenAt(T0, 300, 1);
const renewed = tokenAt(T0 + 180, 300, 2);
const RETRY = { maxAttempts: 3, baseDelay: 5, backoffFactor: 1, fuzzFactor: 0, timeout: 5000, stallTimeout: 0, connectionTimeout: 0 };
let edge: EdgeStub;

beforeAll(async () => {
  edge = await startEdgeStub();
});
afterAll(async () => {
  await edge.close();
});

function engine(): { player: ShakaLike; net: Engine } {
  const net = new shaka.net.NetworkingEngine();
  net.configure(shaka.util.PlayerConfiguration.createDefault().networking);
  return { player: { getNetworkingEngine: () => net as never }, net };
}

function segment(net: Engine, path: string): Promise<{ status: number; uri: string } | ShakaError> {
  const request = shaka.net.NetworkingEngine.makeRequest([`${edge.url}${path}`], RETRY);
  return net.request(shaka.net.NetworkingEngine.RequestType.SEGMENT, request).promise.catch((error: ShakaError) => error);
}

describe('attachShaka (real Shaka networking engine)', () => {
  it('puts the current token into every request URI', async () => {
    const { player, net } = engine();
    attachShaka(player, createTokenSource({ token: old, origin: edge.url, refresh: refresher(renewed).refresh }));
    const before = edge.seen.length;
    const response = await segment(net, '/_token/stale.x.y/videos/a/seg1.m4s');
    expect(response).toMatchObject({ status: 200 });
    expect(edge.seen.slice(before)).toEqual([`/_token/${old}/videos/a/seg1.m4s`]);
  });

  it('renews on a 410 and the next attempt (filters run per attempt) carries the new token', async () => {
    const expiring = tokenAt(T0, 300, 3);
    edge.answer(expiring, 410, 'ERR_TOKEN_EXPIRED');
    const time = clock();
    const r = refresher(renewed);
    const { player, net } = engine();
    attachShaka(player, createTokenSource({ token: expiring, origin: edge.url, refresh: r.refresh, now: time.now }));
    time.advance(200_000);
    const before = edge.seen.length;
    const response = await segment(net, `/_token/${expiring}/videos/a/seg2.m4s`);
    expect(response).toMatchObject({ status: 200 });
    expect(edge.seen.slice(before)).toEqual([`/_token/${expiring}/videos/a/seg2.m4s`, `/_token/${renewed}/videos/a/seg2.m4s`]);
    expect(r.calls()).toBe(1);
  });

  it('cancels Shaka’s retries on a 403 and reports the edge code; no renewal', async () => {
    const { token: tampered, denied, calls, options } = tamperedCase(edge, 4);
    const { player, net } = engine();
    attachShaka(player, createTokenSource(options));
    const before = edge.seen.length;
    const error = (await segment(net, `/_token/${tampered}/videos/a/seg3.m4s`)) as ShakaError;
    expect(error.code).toBe(1001); // BAD_HTTP_STATUS
    expect(error.data[1]).toBe(403);
    expect(edge.seen.length - before).toBe(1);
    expect(denied).toEqual([[403, 'ERR_SIGNATURE_INVALID']]);
    expect(calls()).toBe(0);
  });

  it('leaves Shaka’s own retries alone for failures that are not about the token', async () => {
    const flaky = tokenAt(T0, 300, 5);
    edge.answer(flaky, 503, 'x');
    const r = refresher(renewed);
    const { player, net } = engine();
    attachShaka(player, createTokenSource({ token: flaky, refresh: r.refresh }));
    const before = edge.seen.length;
    const error = (await segment(net, `/_token/${flaky}/videos/a/seg4.m4s`)) as ShakaError;
    expect(error.data[1]).toBe(503);
    expect(edge.seen.length - before).toBe(RETRY.maxAttempts);
    expect(r.calls()).toBe(0);
  });

  it('needs a networking engine', () => {
    expect(() => attachShaka({ getNetworkingEngine: () => null }, createTokenSource({ token: old, origin: edge.url, refresh: refresher(renewed).refresh }))).toThrow(/networking engine/);
  });
});
