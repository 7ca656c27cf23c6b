// attachHls against the real hls.js 1.7 (its Hls config, load policies, XhrLoader,
// FetchLoader and event bus), in Node. Requests go to a stand-in edge on 127.0.0.1
// (FetchLoader) or through a recording XMLHttpRequest (XhrLoader: Node has none).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource, type TokenSource, type TokenSourceOptions } from '../src/source.js';
import { attachHls, type HlsLike } from '../src/adapters/hls.js';
import { clock, refresher, startEdgeStub, T0, tamperedCase, tokenAt, type EdgeStub } from './helpers.js';

// hls.js reads `self` when it loads, and its retry log line reads the global `status`
// (window.status, '' in a browser): give Node both, as a window has them.
Object.assign(globalThis, { self: globalThis, status: '' });
const { default: Hls, FetchLoader } = await import('hls.js');

const old = tokenAt(T0, 300, 1);
const renewed = tokenAt(T0 + 180, 300, 2);
let edge: EdgeStub;

beforeAll(async () => {
  edge = await startEdgeStub();
});
afterAll(async () => {
  await edge.close();
});

interface Loaded {
  status: number;
  url: string;
  networkDetails: unknown;
}

/** An Hls instance with short retry delays (a real config value), the source attached. */
function hlsWith(options: Partial<TokenSourceOptions> & { refresh: () => Promise<string> }): { hls: InstanceType<typeof Hls>; source: TokenSource; time: ReturnType<typeof clock> } {
  const hls = new Hls({ debug: false });
  for (const policy of [hls.config.fragLoadPolicy, hls.config.manifestLoadPolicy]) {
    if (policy.default.errorRetry) policy.default.errorRetry.retryDelayMs = 5;
  }
  const time = clock();
  const source = createTokenSource({ token: `${edge.url}/_token/${old}/videos/a/master.m3u8`, now: time.now, ...options });
  attachHls(hls as unknown as HlsLike, source);
  return { hls, source, time };
}

/** Loads one fragment with the real loader class, as hls.js's FragmentLoader configures it. */
function loadFragment(hls: InstanceType<typeof Hls>, Loader: new (config: unknown) => { load: (...args: unknown[]) => void }, url: string): Promise<Loaded> {
  const loader = new Loader(hls.config);
  const loaderConfig = { loadPolicy: hls.config.fragLoadPolicy.default, timeout: 10_000, maxRetry: 0, retryDelay: 0, maxRetryDelay: 0 };
  const context = { url, responseType: 'arraybuffer', headers: {}, rangeStart: 0, rangeEnd: 0 };
  return new Promise((resolve) => {
    loader.load(context, loaderConfig, {
      onSuccess: (response: { url: string; code: number }, _stats: unknown, _context: unknown, networkDetails: unknown) =>
        resolve({ status: response.code, url: response.url, networkDetails }),
      onError: (error: { code: number }, _context: unknown, networkDetails: unknown) => resolve({ status: error.code, url, networkDetails }),
      onTimeout: () => resolve({ status: -1, url, networkDetails: null }),
    });
  });
}

describe('attachHls (real hls.js config and loaders)', () => {
  it('hooks every load policy hls.js has, keeping the policies it does not retry', () => {
    const { hls } = hlsWith({ refresh: refresher(renewed).refresh });
    expect(typeof hls.config.xhrSetup).toBe('function');
    expect(typeof hls.config.fetchSetup).toBe('function');
    for (const name of ['manifestLoadPolicy', 'playlistLoadPolicy', 'fragLoadPolicy', 'keyLoadPolicy'] as const) {
      expect(typeof hls.config[name].default.errorRetry?.shouldRetry).toBe('function');
    }
    expect(hls.config.certLoadPolicy.default.errorRetry).toBeNull();
  });

  it('FetchLoader: a segment URL inherited from the manifest carries the current token', async () => {
    const { hls } = hlsWith({ refresh: refresher(renewed).refresh });
    const before = edge.seen.length;
    const result = await loadFragment(hls, FetchLoader as never, `${edge.url}/_token/stale.a.b/videos/a/360p/seg1.ts`);
    expect(result.status).toBe(200);
    expect(edge.seen.slice(before)).toEqual([`/_token/${old}/videos/a/360p/seg1.ts`]);
  });

  it('FetchLoader: a 410 renews once and the retry carries the new token', async () => {
    edge.answer(old, 410, 'ERR_TOKEN_EXPIRED');
    const r = refresher(`${edge.url}/_token/${renewed}/videos/a/master.m3u8`);
    const { hls, time } = hlsWith({ refresh: r.refresh });
    time.advance(200_000); // old enough that a 410 is believable, not yet due for renewal
    const before = edge.seen.length;
    const result = await loadFragment(hls, FetchLoader as never, `${edge.url}/_token/${old}/videos/a/360p/seg2.ts`);
    expect(result.status).toBe(200);
    expect(edge.seen.slice(before)).toEqual([`/_token/${old}/videos/a/360p/seg2.ts`, `/_token/${renewed}/videos/a/360p/seg2.ts`]);
    expect(r.calls()).toBe(1);
  });

  it('FetchLoader: a 403 is not retried, not renewed, and its code reaches onDenied through the hlsError event', async () => {
    const { token: tampered, denied, calls, options } = tamperedCase(edge, 9);
    const hls = new Hls({ debug: false });
    attachHls(hls as unknown as HlsLike, createTokenSource(options));
    const before = edge.seen.length;
    const result = await loadFragment(hls, FetchLoader as never, `${edge.url}/_token/${tampered}/videos/a/360p/seg3.ts`);
    expect(result.status).toBe(403);
    // What hls.js's fragment loader does with a failed load: an ERROR event carrying the response.
    hls.trigger(Hls.Events.ERROR, {
      type: Hls.ErrorTypes.NETWORK_ERROR,
      details: Hls.ErrorDetails.FRAG_LOAD_ERROR,
      fatal: false,
      response: { code: result.status, text: '' },
      networkDetails: result.networkDetails,
    } as never);
    expect(edge.seen.length - before).toBe(1);
    expect(denied).toEqual([[403, 'ERR_SIGNATURE_INVALID']]);
    expect(calls()).toBe(0);
  });

  it('XhrLoader: xhrSetup opens the request itself with the fresh token (hls.js then only sends it)', async () => {
    const opened: string[] = [];
    const statuses = new Map([[old, 410]]);
    class RecordingXhr {
      readyState = 0;
      status = 0;
      responseType = '';
      response: ArrayBuffer | null = null;
      responseURL = '';
      onreadystatechange: (() => void) | null = null;
      onprogress: unknown = null;
      open(method: string, url: string): void {
        opened.push(`${method} ${url}`);
        this.responseURL = url;
        this.readyState = 1;
      }
      setRequestHeader(): void {}
      getResponseHeader(): string | null {
        return null;
      }
      getAllResponseHeaders(): string {
        return '';
      }
      abort(): void {}
      send(): void {
        const token = /\/_token\/([^/]+)\//.exec(this.responseURL)?.[1] ?? '';
        setTimeout(() => {
          this.status = statuses.get(token) ?? 200;
          this.response = this.status === 200 ? new ArrayBuffer(8) : null;
          this.readyState = 4;
          this.onreadystatechange?.();
        }, 1);
      }
    }
    (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = RecordingXhr;
    try {
      const r = refresher(renewed);
      const { hls, time } = hlsWith({ refresh: r.refresh });
      time.advance(200_000);
      const result = await loadFragment(hls, hls.config.loader as never, `${edge.url}/_token/${old}/videos/a/360p/seg4.ts`);
      expect(result.status).toBe(200);
      expect(opened).toEqual([`GET ${edge.url}/_token/${old}/videos/a/360p/seg4.ts`, `GET ${edge.url}/_token/${renewed}/videos/a/360p/seg4.ts`]);
      expect(r.calls()).toBe(1);
    } finally {
      delete (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest;
    }
  });

  it('keeps an app-supplied shouldRetry for statuses that are not about the token', () => {
    const hls = new Hls({ debug: false });
    const seen: number[] = [];
    const retry = hls.config.fragLoadPolicy.default.errorRetry;
    if (!retry) throw new Error('hls.js default fragment policy has no errorRetry');
    retry.shouldRetry = (_c: unknown, _n: number, _t: unknown, response?: { code?: number }) => {
      seen.push(response?.code ?? -1);
      return true;
    };
    attachHls(hls as unknown as HlsLike, createTokenSource({ token: old, refresh: refresher(renewed).refresh }));
    expect(retry.shouldRetry?.(retry, 0, false, { code: 503, text: '' } as never, true)).toBe(true);
    expect(seen).toEqual([503]);
  });
});
