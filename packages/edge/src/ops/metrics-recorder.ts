// What the Node adapters call on the `metrics` option. Kept apart from ./metrics.ts so the
// adapters' types never name prom-client: an app that uses `@urlseal/edge/express` or
// `@urlseal/edge/node-server` without metrics type-checks without the optional peer installed.
import type { Decision } from '../core/decide.js';
import type { KeyringSource } from './keyring-source.js';

/**
 * Why the edge could not relay a granted request: the origin refused or reset
 * before answering (`unavailable`), stayed silent past the timeout
 * (`timeout`), answered what cannot be relayed (`unrelayable`), or cut its
 * answer mid-body (`cut`).
 *
 * @example
 * ```ts
 * import type { OriginErrorKind } from '@urlseal/edge/metrics';
 * const kind: OriginErrorKind = 'timeout'; // answered 504
 * ```
 */
export type OriginErrorKind = 'unavailable' | 'timeout' | 'unrelayable' | 'cut';

/**
 * The part of `UrlsealMetrics` (from `createMetrics()` of `@urlseal/edge/metrics`) that the
 * adapters call; the `metrics` option of `createEdgeServer` and of the Express `urlseal()`.
 *
 * @example
 * ```ts
 * import { createMetrics } from '@urlseal/edge/metrics';
 * import { createEdgeServer } from '@urlseal/edge/node-server';
 * declare const keyringJson: string;
 * createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring: keyringJson, metrics: createMetrics() });
 * ```
 */
export interface MetricsRecorder {
  /** Counts one decision and observes how long it took (seconds) and, when granted, the token's remaining lifetime. */
  recordDecision(decision: Decision, seconds: number, nowSeconds: number): void;
  /** Observes one whole request, from arrival to the end of the answer (seconds). */
  recordRequest(decision: Decision, seconds: number): void;
  /** Counts one origin failure. */
  recordOriginError(kind: OriginErrorKind): void;
  /** Counts the source's reloads and reports the age of its keyring; returns the function that stops watching. */
  watchKeyring(source: KeyringSource): () => void;
}
