import type { TokenSource } from '../source.js';
import { codeOf } from './denial.js';

/** hls.js's retry settings (`LoaderConfig.errorRetry`). */
interface HlsRetry {
  maxNumRetry: number;
  shouldRetry?: (config: HlsRetry | null | undefined, retryCount: number, isTimeout: boolean, response: { code: number } | undefined, retry: boolean) => boolean;
}

/**
 * What the adapter touches of an hls.js (1.5 or later) instance: its config's
 * request hooks and retry policies, and the `hlsError` event.
 *
 * @example
 * ```ts
 * import type { HlsLike } from '@urlseal/player';
 * declare const Hls: new () => HlsLike;
 * const hls: HlsLike = new Hls();
 * ```
 */
export interface HlsLike {
  config: {
    xhrSetup?: (xhr: XMLHttpRequest, url: string) => Promise<void> | void;
    fetchSetup?: (context: { url: string }, init: RequestInit) => Promise<Request> | Request;
  } & { [policy: `${string}LoadPolicy`]: { default?: { errorRetry?: HlsRetry | null } } | undefined };
  on(event: 'hlsError', listener: (event: string, data: { response?: { code?: number }; networkDetails?: unknown }) => void): void;
}

/**
 * Keeps an hls.js player on a fresh token. Call it after `new Hls()` and before
 * `loadSource`. Every playlist, key and segment request waits for a fresh token
 * (`xhrSetup` and `fetchSetup` may return a Promise) and carries it in the path
 * or query, where the URL already carries one. A 410 renews and retries; a 401
 * or 403 goes to `onDenied` and is not retried (hls.js never retries a 4xx).
 *
 * @example
 * ```ts
 * import { attachHls, createTokenSource, renewFrom, type HlsLike } from '@urlseal/player';
 * declare const Hls: new () => HlsLike & { loadSource(url: string): void };
 * const source = createTokenSource({ token: signedUrl, refresh: renewFrom('/lessons/7/link') });
 * const hls = new Hls();
 * attachHls(hls, source);
 * hls.loadSource(signedUrl);
 * declare const signedUrl: string;
 * ```
 */
export function attachHls(hls: HlsLike, source: TokenSource): void {
  const config = hls.config;
  config.xhrSetup = async (xhr, url) => {
    await source.fresh();
    xhr.open('GET', source.apply(url), true);
  };
  config.fetchSetup = async (context, init) => {
    await source.fresh();
    return new Request(source.apply(context.url), init);
  };
  // Every load policy (manifest, playlist, fragment, key, steering…): each decides its own retries.
  for (const name of Object.keys(config)) {
    const retry = name.endsWith('LoadPolicy') ? config[name as `${string}LoadPolicy`]?.default?.errorRetry : undefined;
    if (!retry) continue;
    const own = retry.shouldRetry;
    retry.shouldRetry = (policy, count, isTimeout, response, fallback) => {
      const status = response?.code;
      // hls.js passes the policy itself, never null, when it asks.
      if ((status === 410 || status === 0) && source.report(status)) return count < (policy as HlsRetry).maxNumRetry;
      return own ? own(policy, count, isTimeout, response, fallback) : fallback;
    };
  }
  hls.on('hlsError', (_event, data) => {
    const status = data.response?.code;
    if (status === 401 || status === 403) source.report(status, codeOf(data.networkDetails));
  });
}
