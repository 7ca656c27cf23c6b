import type { TokenSource } from '../source.js';
import { codeOf } from './denial.js';

/** Shaka's `BAD_HTTP_STATUS` error code: `data` is `[uri, status, text, headers, type, finalUri]`. */
const BAD_HTTP_STATUS = 1001;

/**
 * What the adapter touches of a Shaka Player (4.x or 5.x) instance: its
 * networking engine's request filters and `retry` event.
 *
 * @example
 * ```ts
 * import type { ShakaLike } from '@urlseal/player';
 * declare const shaka: { Player: new () => ShakaLike };
 * const player: ShakaLike = new shaka.Player();
 * ```
 */
export interface ShakaLike {
  getNetworkingEngine(): {
    registerRequestFilter(filter: (type: number, request: { uris: string[] }) => Promise<void> | void): void;
    addEventListener(type: 'retry', listener: (event: Event & { error?: { code?: number; data?: unknown[] } }) => void): void;
  } | null;
}

/**
 * Keeps a Shaka player on a fresh token. Call it before `load()`. Shaka calls
 * request filters for every attempt, so each attempt waits for a fresh token.
 * A 410 renews before the next attempt; on a 401 or 403 the retry is cancelled
 * (`preventDefault` on the engine's `retry` event) and `onDenied` is called.
 *
 * @example
 * ```ts
 * import { attachShaka, createTokenSource, renewFrom, type ShakaLike } from '@urlseal/player';
 * declare const player: ShakaLike & { load(url: string): Promise<void> };
 * const source = createTokenSource({ token: signedUrl, refresh: renewFrom('/lessons/7/link') });
 * attachShaka(player, source);
 * await player.load(signedUrl);
 * declare const signedUrl: string;
 * ```
 */
export function attachShaka(player: ShakaLike, source: TokenSource): void {
  const engine = player.getNetworkingEngine();
  if (!engine) throw new TypeError('attachShaka: no networking engine');
  engine.registerRequestFilter(async (_type, request) => {
    await source.fresh();
    request.uris = request.uris.map(source.apply);
  });
  engine.addEventListener('retry', (event) => {
    const error = event.error;
    const status = error?.data?.[1];
    // Only the edge's answers about the token: any other failure keeps Shaka's own retries.
    if (error?.code !== BAD_HTTP_STATUS || (status !== 401 && status !== 403 && status !== 410)) return;
    if (!source.report(status, codeOf({ headers: error.data?.[3] }), error.data?.[0] as string)) event.preventDefault();
  });
}
