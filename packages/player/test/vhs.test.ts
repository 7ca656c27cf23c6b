// attachVhs with video.js 8 / VHS 3's hook shapes (`@videojs/http-streaming`
// `src/xhr.js`): `xhr.onRequest(hook)` adds to a Set; before each request VHS calls
// every hook in order with the xhr options ({uri, responseType, headers, timeout…})
// and uses what the last returns; after it, every `onResponse` hook gets
// (request, error, response) where response has `statusCode` and parsed `headers`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenSource } from '../src/source.js';
import { attachVhs, type VhsLike } from '../src/adapters/vhs.js';
import { refresher, T0, tokenAt } from './helpers.js';

interface Options {
  uri: string;
  responseType?: string;
  timeout?: number;
}
type ResponseHook = (request: unknown, error: unknown, response: { statusCode?: number; headers?: Record<string, string> } | undefined) => void;

function vhsXhr(): VhsLike & { request(uri: string): Options; respond(statusCode: number, headers?: Record<string, string>): void; hooks(): number } {
  const requestHooks = new Set<(options: Options) => Options>();
  const responseHooks = new Set<ResponseHook>();
  return {
    xhr: {
      onRequest: (hook) => void requestHooks.add(hook),
      onResponse: (hook) => void responseHooks.add(hook),
      offRequest: (hook) => void requestHooks.delete(hook),
      offResponse: (hook) => void responseHooks.delete(hook),
    },
    request(uri) {
      let options: Options = { uri, responseType: 'arraybuffer', timeout: 45e3 };
      requestHooks.forEach((hook) => (options = hook(options)));
      return options;
    },
    respond(statusCode, headers = {}) {
      responseHooks.forEach((hook) => hook({}, statusCode >= 400 ? new Error('XHR Failed') : null, { statusCode, headers }));
    },
    hooks: () => requestHooks.size + responseHooks.size,
  };
}


describe('attachVhs (video.js VHS onRequest/onResponse hooks)', () => {
  afterEach(() => vi.useRealTimers());

  it('renews on a timer before expiry, so the synchronous hook always has a fresh token', async () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const first = tokenAt(T0, 40, 1);
    const second = tokenAt(T0 + 30, 40, 2);
    const vhs = vhsXhr();
    const stop = attachVhs(vhs, createTokenSource({ token: first, origin: 'https://cdn.example', refresh: refresher(second).refresh }));
    expect(vhs.request(`https://cdn.example/_token/${first}/videos/a/seg1.ts`).uri).toBe(`https://cdn.example/_token/${first}/videos/a/seg1.ts`);
    await vi.advanceTimersByTimeAsync(30_000); // a quarter of 40 s before expiry
    expect(vhs.request(`https://cdn.example/_token/${first}/videos/a/seg9.ts`).uri).toBe(`https://cdn.example/_token/${second}/videos/a/seg9.ts`);
    stop();
    expect(vhs.hooks()).toBe(0);
  });

  it('renews at once on a 410; a 403 goes to onDenied and never renews', async () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const denied: Array<[number, string | null]> = [];
    const r = refresher(tokenAt(T0 + 200, 300, 2));
    const vhs = vhsXhr();
    const stop = attachVhs(vhs, createTokenSource({ token: tokenAt(T0, 300, 1), refresh: r.refresh, onDenied: (s, c) => denied.push([s, c]) }));
    vhs.respond(403, { 'x-urlseal-error': 'ERR_PATH_MISMATCH' });
    vhs.respond(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls()).toBe(0);
    expect(denied).toEqual([[403, 'ERR_PATH_MISMATCH']]);
    await vi.advanceTimersByTimeAsync(200_000);
    vhs.respond(410, { 'x-urlseal-error': 'ERR_TOKEN_EXPIRED' });
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls()).toBe(1);
    stop();
  });
});
