// attachDash with dash.js v5's request shapes. dash.js needs a DOM to load, so this
// replays what its HTTPLoader does (dash.js 5.2 `src/streaming/net/HTTPLoader.js`):
// build a CommonMediaRequest {url, method, responseType, headers, credentials, timeout,
// customData}, run the request interceptors in order (each may return a Promise), load,
// fill a CommonMediaResponse {request, url, status, statusText, headers (parsed from
// getAllResponseHeaders), data}, run the response interceptors, and retry a failed
// request from the original URL while attempts remain. The real player runs in the
// browser test (examples/lms/test/browser.e2e.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource, type TokenSourceOptions } from '../src/source.js';
import { attachDash, type DashLike } from '../src/adapters/dash.js';
import { clock, refresher, startEdgeStub, T0, tamperedCase, tokenAt, type EdgeStub } from './helpers.js';

type Interceptor<T> = (value: T) => Promise<T>;
interface CommonMediaRequest {
  url: string;
  method: string;
  responseType: string;
  headers: Record<string, string>;
  credentials: string;
  timeout: number;
  customData: Record<string, unknown>;
}
interface CommonMediaResponse {
  request: CommonMediaRequest;
  url?: string;
  status: number;
  statusText?: string;
  headers?: Record<string, string>;
  data?: ArrayBuffer;
}

let edge: EdgeStub;
beforeAll(async () => {
  edge = await startEdgeStub();
});
afterAll(async () => {
  await edge.close();
});

/** The interceptor registry of a MediaPlayer plus HTTPLoader's load-and-retry loop. */
function dashPlayer(retryAttempts = 3): DashLike & { load(url: string): Promise<CommonMediaResponse> } {
  const requestInterceptors: Interceptor<CommonMediaRequest>[] = [];
  const responseInterceptors: Interceptor<CommonMediaResponse>[] = [];
  const chain = <T>(list: Interceptor<T>[], value: T): Promise<T> => list.reduce<Promise<T>>((prev, next) => prev.then(next), Promise.resolve(value));
  const attempt = async (url: string): Promise<CommonMediaResponse> => {
    const request = await chain(requestInterceptors, {
      url,
      method: 'GET',
      responseType: 'arraybuffer',
      headers: {},
      credentials: 'omit',
      timeout: 0,
      customData: { request: { type: 'MediaSegment' } },
    });
    const answer = await fetch(request.url, { method: request.method, credentials: 'omit' });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => (headers[name] = value));
    return chain(responseInterceptors, { request, url: answer.url, status: answer.status, statusText: answer.statusText, headers, data: await answer.arrayBuffer() });
  };
  return {
    addRequestInterceptor: (interceptor) => void requestInterceptors.push(interceptor as unknown as Interceptor<CommonMediaRequest>),
    addResponseInterceptor: (interceptor) => void responseInterceptors.push(interceptor as unknown as Interceptor<CommonMediaResponse>),
    async load(url) {
      for (let remaining = retryAttempts; ; remaining -= 1) {
        const response = await attempt(url);
        if ((response.status >= 200 && response.status <= 299) || remaining === 0) return response;
      }
    },
  };
}

function sourceFor(token: string, options: Partial<TokenSourceOptions> & { refresh: () => Promise<string> }) {
  return createTokenSource({ ...options, token: `${edge.url}/_token/${token}/videos/a/manifest.mpd` });
}

describe('attachDash (dash.js v5 interceptors)', () => {
  it('a SegmentTemplate URL resolved against the MPD carries the current token', async () => {
    const token = tokenAt(T0, 300, 1);
    const player = dashPlayer();
    attachDash(player, sourceFor(token, { refresh: refresher(tokenAt(T0, 300, 2)).refresh }));
    const before = edge.seen.length;
    const response = await player.load(`${edge.url}/_token/stale.a.b/videos/a/chunk-0-00001.m4s`);
    expect(response.status).toBe(200);
    expect(edge.seen.slice(before)).toEqual([`/_token/${token}/videos/a/chunk-0-00001.m4s`]);
  });

  it('a 410 renews once and dash.js’s retry carries the new token', async () => {
    const expiring = tokenAt(T0, 300, 3);
    const renewed = tokenAt(T0 + 180, 300, 4);
    edge.answer(expiring, 410, 'ERR_TOKEN_EXPIRED');
    const time = clock();
    const r = refresher(renewed);
    const player = dashPlayer();
    attachDash(player, sourceFor(expiring, { refresh: r.refresh, now: time.now }));
    time.advance(200_000);
    const before = edge.seen.length;
    const response = await player.load(`${edge.url}/_token/${expiring}/videos/a/chunk-0-00002.m4s`);
    expect(response.status).toBe(200);
    expect(edge.seen.slice(before)).toEqual([`/_token/${expiring}/videos/a/chunk-0-00002.m4s`, `/_token/${renewed}/videos/a/chunk-0-00002.m4s`]);
    expect(r.calls()).toBe(1);
  });

  it('a 403 reports the edge code and never renews (dash.js’s own retries repeat the refused token)', async () => {
    const { token: tampered, denied, calls, options } = tamperedCase(edge, 5);
    const player = dashPlayer(2);
    attachDash(player, sourceFor(tampered, options));
    const before = edge.seen.length;
    const response = await player.load(`${edge.url}/_token/${tampered}/videos/a/chunk-0-00003.m4s`);
    expect(response.status).toBe(403);
    expect(new Set(edge.seen.slice(before))).toEqual(new Set([`/_token/${tampered}/videos/a/chunk-0-00003.m4s`]));
    expect(calls()).toBe(0);
    expect(denied[0]).toEqual([403, 'ERR_SIGNATURE_INVALID']);
  });
});
