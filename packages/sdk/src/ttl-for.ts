import { DEFAULT_MAX_TTL } from '@urlseal/edge/contract';

/**
 * Options of {@link ttlFor}.
 *
 * @example
 * ```ts
 * import type { TtlForOptions } from '@urlseal/sdk';
 * const options: TtlForOptions = { extra: 600, maxTtl: 7200 };
 * ```
 */
export interface TtlForOptions {
  /** Seconds added to the media's duration for start-up, buffering and short pauses. Default 300. */
  extra?: number;
  /** The longest ttl the edge accepts (match the verifier's `maxTtl`). Default 86400. */
  maxTtl?: number;
}

function wholeSeconds(value: unknown, option: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${option} must be a whole number of seconds, ${min} or more`);
  }
  return value;
}

/**
 * A link lifetime that covers a whole piece of media, for players that cannot
 * renew a token mid-stream (Safari's native HLS, AVPlayer, a download link):
 * the duration rounded up, plus `extra`, never more than `maxTtl`. Such a link
 * stays valid for the whole viewing, so keep `extra` short and prefer
 * `@urlseal/player` wherever the page controls the player.
 *
 * @example
 * ```ts
 * import { createSigner, ttlFor } from '@urlseal/sdk';
 * const signer = createSigner({ keyring: process.env.URLSEAL_KEYRING! });
 * ttlFor(3725.4); // 4026: a 62-minute lecture plus 5 minutes
 * signer.signUrl('https://cdn.example/videos/c1/master.m3u8', { grant: '/videos/c1/*', ttl: ttlFor(3725.4) });
 * ```
 */
export function ttlFor(durationSeconds: number, options: TtlForOptions = {}): number {
  if (typeof durationSeconds !== 'number' || !Number.isFinite(durationSeconds) || durationSeconds < 0) {
    throw new TypeError('ttlFor needs the media duration in seconds: a finite number, 0 or more');
  }
  const extra = options.extra === undefined ? 300 : wholeSeconds(options.extra, 'extra', 0);
  const maxTtl = options.maxTtl === undefined ? DEFAULT_MAX_TTL : wholeSeconds(options.maxTtl, 'maxTtl', 1);
  return Math.max(1, Math.min(maxTtl, Math.ceil(durationSeconds) + extra));
}
