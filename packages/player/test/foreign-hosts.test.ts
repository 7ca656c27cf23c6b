// Issue 20: every player adapter writes the token only into URLs on the edge's origin
// inside the grant. Each adapter's own request hook is driven with the URLs a manifest
// can name: the edge's segment (gets the token), a segment on another host, an AES-128
// key server with its own `?token=`, and a path outside the grant (all unchanged).
import { describe, expect, it } from 'vitest';
import { createTokenSource, type TokenSource } from '../src/source.js';
import { attachDash, type DashLike } from '../src/adapters/dash.js';
import { attachHls, type HlsLike } from '../src/adapters/hls.js';
import { attachShaka, type ShakaLike } from '../src/adapters/shaka.js';
import { attachVhs, type VhsLike } from '../src/adapters/vhs.js';
import { attachVideo } from '../src/adapters/video.js';
import { refresher, settle, T0, tokenAt } from './helpers.js';

const current = tokenAt(T0, 3600, 1); // grant /videos/a/*
const stale = tokenAt(T0, 3600, 2);
const source = (): TokenSource => createTokenSource({ token: `https://cdn.example/_token/${current}/videos/a/master.m3u8`, refresh: refresher().refresh });

const OWN = `https://cdn.example/_token/${stale}/videos/a/360p/seg1.ts`;
const FOREIGN = [
  `https://evil.example/_token/${stale}/videos/a/360p/seg1.ts`,
  `https://keys.example/key/7?token=${stale}`,
  `https://cdn.example/videos/b/seg1.ts?token=${stale}`,
];

/** Each adapter, attached to a fake of its player, returns the URL its hook would request. */
const adapters: Array<[string, (source: TokenSource) => (url: string) => Promise<string>]> = [
  ['hls.js xhrSetup', (s) => {
    const hls = { config: {} as HlsLike['config'], on: () => {} } as unknown as HlsLike;
    attachHls(hls, s);
    return async (url) => {
      let opened = '';
      await hls.config.xhrSetup?.({ open: (_m: string, target: string) => void (opened = target) } as unknown as XMLHttpRequest, url);
      return opened;
    };
  }],
  ['hls.js fetchSetup', (s) => {
    const hls = { config: {} as HlsLike['config'], on: () => {} } as unknown as HlsLike;
    attachHls(hls, s);
    return async (url) => (await hls.config.fetchSetup!({ url }, {})).url;
  }],
  ['Shaka request filter', (s) => {
    let filter: ((type: number, request: { uris: string[] }) => Promise<void> | void) | undefined;
    const player: ShakaLike = { getNetworkingEngine: () => ({ registerRequestFilter: (f) => void (filter = f), addEventListener: () => {} }) };
    attachShaka(player, s);
    return async (url) => {
      const request = { uris: [url] };
      await filter?.(1, request);
      return request.uris[0] as string;
    };
  }],
  ['dash.js request interceptor', (s) => {
    let intercept: ((request: { url: string }) => Promise<{ url: string }>) | undefined;
    const player = { addRequestInterceptor: (i: typeof intercept) => void (intercept = i), addResponseInterceptor: () => {} } as unknown as DashLike;
    attachDash(player, s);
    return async (url) => (await intercept!({ url })).url;
  }],
  ['VHS onRequest', (s) => {
    let hook: ((options: { uri: string }) => { uri: string }) | undefined;
    const vhs = { xhr: { onRequest: (h: typeof hook) => void (hook = h), onResponse: () => {}, offRequest: () => {}, offResponse: () => {} } } as unknown as VhsLike;
    const stop = attachVhs(vhs, s);
    return async (url) => {
      stop(); // only the hook is under test, not its renewal timer
      return hook!({ uri: url }).uri;
    };
  }],
  ['<video> src after a 410', (s) => {
    const video = Object.assign(new EventTarget(), { src: '', currentTime: 0, paused: true, currentSrc: '', play: async () => {} });
    attachVideo(video as unknown as HTMLVideoElement, s);
    return async (url) => {
      // The edge's HEAD answers 410 for the URL's older token: the adapter sets src again with the current one.
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async () => new Response(null, { status: 410 })) as typeof fetch;
      try {
        video.src = url;
        video.currentSrc = url;
        video.dispatchEvent(new Event('error'));
        for (let i = 0; i < 20; i += 1) await settle();
        return video.src;
      } finally {
        globalThis.fetch = realFetch;
      }
    };
  }],
];

describe.each(adapters)('%s', (_name, attach) => {
  it('puts the current token into a URL on the edge’s origin inside the grant', async () => {
    expect(await attach(source())(OWN)).toBe(`https://cdn.example/_token/${current}/videos/a/360p/seg1.ts`);
  });

  it.each(FOREIGN)('never writes the token into %s', async (url) => {
    expect(await attach(source())(url)).toBe(url);
  });
});
