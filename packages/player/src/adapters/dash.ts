import type { TokenSource } from '../source.js';
import { codeOf } from './denial.js';

/** dash.js's request and response (`CommonMediaRequest`/`CommonMediaResponse` of `@svta/cml-request`). */
interface DashRequest {
  url: string;
}
interface DashResponse {
  status: number;
  headers?: Record<string, string>;
  request?: DashRequest;
}

/**
 * What the adapter touches of a dash.js v5 `MediaPlayer`: its request and
 * response interceptors.
 *
 * @example
 * ```ts
 * import type { DashLike } from '@urlseal/player';
 * declare const dashjs: { MediaPlayer(): { create(): DashLike } };
 * const player: DashLike = dashjs.MediaPlayer().create();
 * ```
 */
export interface DashLike {
  addRequestInterceptor(interceptor: (request: DashRequest) => Promise<DashRequest>): void;
  addResponseInterceptor(interceptor: (response: DashResponse) => Promise<DashResponse>): void;
}

/**
 * Keeps a dash.js v5 player on a fresh token. Call it before `initialize()`.
 * dash.js runs request interceptors for every attempt, so each attempt waits
 * for a fresh token; a 410 seen by the response interceptor renews before the
 * next attempt. dash.js retries failed requests a few times whatever the
 * status (its `streaming.retryAttempts`); a 401 or 403 goes to `onDenied` and
 * never renews, so those retries carry the same refused token.
 *
 * @example
 * ```ts
 * import { attachDash, createTokenSource, renewFrom, type DashLike } from '@urlseal/player';
 * declare const player: DashLike & { initialize(video: HTMLVideoElement, url: string, autoplay: boolean): void };
 * const source = createTokenSource({ token: signedUrl, refresh: renewFrom('/lessons/7/link') });
 * attachDash(player, source);
 * player.initialize(video, signedUrl, false);
 * declare const signedUrl: string, video: HTMLVideoElement;
 * ```
 */
export function attachDash(player: DashLike, source: TokenSource): void {
  player.addRequestInterceptor(async (request) => {
    await source.fresh();
    request.url = source.apply(request.url);
    return request;
  });
  player.addResponseInterceptor(async (response) => {
    source.report(response.status, codeOf(response), response.request?.url);
    return response;
  });
}

