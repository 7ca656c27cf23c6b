import type { TokenSource } from '../source.js';
import { codeOf } from './denial.js';

/** What VHS passes to an `onRequest` hook (the options of its xhr), and to `onResponse`. */
interface VhsRequestOptions {
  uri: string;
}
interface VhsResponse {
  statusCode?: number;
  headers?: Record<string, string>;
}

/**
 * What the adapter touches of video.js's HTTP streaming (VHS 3, video.js 8):
 * `player.tech().vhs`, or `videojs.Vhs` for every player, whose `xhr` has the
 * `onRequest`/`onResponse` hooks and their `off…` twins.
 *
 * @example
 * ```ts
 * import type { VhsLike } from '@urlseal/player';
 * declare const player: { tech(): { vhs: VhsLike } };
 * const vhs: VhsLike = player.tech().vhs;
 * ```
 */
export interface VhsLike {
  xhr: {
    onRequest(hook: (options: VhsRequestOptions) => VhsRequestOptions): void;
    onResponse(hook: (request: unknown, error: unknown, response: VhsResponse | undefined) => void): void;
    offRequest(hook: (options: VhsRequestOptions) => VhsRequestOptions): void;
    offResponse(hook: (request: unknown, error: unknown, response: VhsResponse | undefined) => void): void;
  };
}

/**
 * Keeps video.js (VHS) on a fresh token. VHS request hooks are synchronous,
 * so the token is renewed on a timer before each expiry (`keepFresh`) and
 * every request gets the current one. A 410 renews at once (VHS's own retry
 * or the next request then carries the new token); a 401 or 403 goes to
 * `onDenied`. Returns a function that removes the hooks and stops the timer.
 *
 * @example
 * ```ts
 * import { attachVhs, createTokenSource, renewFrom, type VhsLike } from '@urlseal/player';
 * declare const player: { on(event: 'xhr-hooks-ready', listener: () => void): void; tech(): { vhs: VhsLike } };
 * const source = createTokenSource({ token: signedUrl, refresh: renewFrom('/lessons/7/link') });
 * player.on('xhr-hooks-ready', () => attachVhs(player.tech().vhs, source));
 * declare const signedUrl: string;
 * ```
 */
export function attachVhs(vhs: VhsLike, source: TokenSource): () => void {
  const onRequest = (options: VhsRequestOptions): VhsRequestOptions => {
    options.uri = source.apply(options.uri);
    return options;
  };
  const onResponse = (_request: unknown, _error: unknown, response: VhsResponse | undefined): void => {
    source.report(response?.statusCode ?? -1, codeOf(response));
  };
  vhs.xhr.onRequest(onRequest);
  vhs.xhr.onResponse(onResponse);
  const stop = source.keepFresh();
  return () => {
    stop();
    vhs.xhr.offRequest(onRequest);
    vhs.xhr.offResponse(onResponse);
  };
}
