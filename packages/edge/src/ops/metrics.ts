// @urlseal/edge/metrics: Prometheus metrics for the Node adapters (prom-client).
// Adapters record where they receive a Decision, so the counters count exactly
// what was decided. Labels are bounded sets (result, code, scheme, kind): never
// a path, a subject or a token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Decision } from '../core/decide.js';
import type { KeyringReloadResult, KeyringSource } from './keyring-source.js';
import type { MetricsRecorder, OriginErrorKind } from './metrics-recorder.js';
import { isThenable } from '../core/decide.js';
import type { RevocationSource } from '../contract/revocation-list.js';

export type { OriginErrorKind } from './metrics-recorder.js';

/**
 * Options of {@link createMetrics}.
 *
 * @example
 * ```ts
 * import type { MetricsOptions } from '@urlseal/edge/metrics';
 * const options: MetricsOptions = { defaultMetrics: false };
 * ```
 */
export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
}

/**
 * The metrics of one edge (or several adapters sharing it): give it to
 * `createEdgeServer({ metrics })` or the Express `urlseal({ metrics })`, and
 * expose {@link UrlsealMetrics.handler} on a port the public never reaches.
 * The `record*` and `watchKeyring` methods are what the adapters call.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createMetrics, type UrlsealMetrics } from '@urlseal/edge/metrics';
 * const metrics: UrlsealMetrics = createMetrics();
 * const adminApp = express();
 * adminApp.get('/metrics', metrics.handler);
 * ```
 */
export interface UrlsealMetrics extends MetricsRecorder {
  /** The prom-client registry holding every metric (register your own on it, or merge it). */
  readonly registry: Registry;
  /** Answers with the Prometheus text exposition of {@link registry}; mount it on a GET route. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * The same revocation source, its lookups counted by outcome (`entry`: the store holds an
   * entry for the token's sub or sid; `none`; `error`) and timed, labelled by its kind
   * (`file`, `url`, `redis` or `other`, from its `description`). Pass the result as `revocation.source`.
   */
  measureRevocations(source: RevocationSource): RevocationSource;
}

const LATENCY_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LIFETIME_BUCKETS = [10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400];

type Child = { inc(): void };
type Observer = { observe(value: number): void };

/**
 * Creates the urlseal metrics on a registry of their own:
 * `urlseal_decisions_total{result,code,scheme}`,
 * `urlseal_decision_duration_seconds`, `urlseal_request_duration_seconds{result}`,
 * `urlseal_origin_errors_total{kind}`, `urlseal_keyring_reloads_total{result}`,
 * `urlseal_keyring_age_seconds`, `urlseal_keyring_loaded`,
 * `urlseal_granted_token_remaining_seconds{scheme}`,
 * `urlseal_revocation_lookups_total{source,result}` and
 * `urlseal_revocation_lookup_duration_seconds{source}` (once `measureRevocations` wraps a
 * source), and the default process metrics.
 *
 * @example
 * ```ts
 * import { createEdgeServer } from '@urlseal/edge/node-server';
 * import { createMetrics, createMetricsServer } from '@urlseal/edge/metrics';
 * const metrics = createMetrics();
 * createEdgeServer({ origin: 'http://127.0.0.1:3000', keyring: process.env.URLSEAL_KEYRING!, metrics }).listen(8080);
 * createMetricsServer(metrics).listen(9464, '127.0.0.1');
 * ```
 */
export function createMetrics(options: MetricsOptions = {}): UrlsealMetrics {
  if (typeof options !== 'object' || options === null) throw new TypeError('createMetrics: options must be an object');
  for (const name of Object.keys(options)) if (name !== 'defaultMetrics') throw new TypeError(`createMetrics: option "${name}" is unknown`);
  if (options.defaultMetrics !== undefined && typeof options.defaultMetrics !== 'boolean') {
    throw new TypeError('createMetrics: option "defaultMetrics" must be true or false');
  }
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // prom-client's totals of its by-type gauges end in _total, which Prometheus keeps for
    // counters (`promtool check metrics` fails on them): sum(nodejs_active_handles) is the same.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  const sources = new Set<KeyringSource>();

  const decisions = new Counter({
    name: 'urlseal_decisions_total',
    help: 'Requests decided, by result (granted|denied), denial code (none when granted) and token scheme (none before a token was found).',
    labelNames: ['result', 'code', 'scheme'] as const,
    registers,
  });
  const decisionSeconds = new Histogram({
    name: 'urlseal_decision_duration_seconds',
    help: 'Time to decide one request (token checks only), in seconds.',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'urlseal_request_duration_seconds',
    help: 'Time from a request arriving to the end of its answer, in seconds, by decision result.',
    labelNames: ['result'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const originErrors = new Counter({
    name: 'urlseal_origin_errors_total',
    help: 'Granted requests the origin failed: unavailable (502), timeout (504), unrelayable (502), cut (answer cut mid-body).',
    labelNames: ['kind'] as const,
    registers,
  });
  const reloads = new Counter({
    name: 'urlseal_keyring_reloads_total',
    help: 'Keyring load attempts, by result: loaded (new keyring in use), unchanged, invalid (last good kept), unavailable (last good kept).',
    labelNames: ['result'] as const,
    registers,
  });
  const remaining = new Histogram({
    name: 'urlseal_granted_token_remaining_seconds',
    help: 'Remaining lifetime (exp - now) of the tokens of granted requests, in seconds, by scheme: tune TTLs with it.',
    labelNames: ['scheme'] as const,
    buckets: LIFETIME_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'urlseal_keyring_age_seconds',
    help: 'Seconds since the keyring in use was last read or confirmed by its source (NaN when none is in use).',
    registers,
    collect() {
      let oldest = 0;
      for (const source of sources) {
        const loaded = source.current();
        oldest = loaded === undefined ? Number.NaN : Math.max(oldest, (Date.now() - loaded.confirmedAt) / 1000);
      }
      this.set(sources.size === 0 ? Number.NaN : oldest);
    },
  });
  new Gauge({
    name: 'urlseal_keyring_loaded',
    help: '1 when a keyring is in use, 0 when requests are answered 503 ERR_KEYRING_UNAVAILABLE.',
    registers,
    collect() {
      let loaded = sources.size > 0;
      for (const source of sources) if (source.current() === undefined) loaded = false;
      this.set(loaded ? 1 : 0);
    },
  });
  for (const result of ['loaded', 'unchanged', 'invalid', 'unavailable'] satisfies KeyringReloadResult[]) reloads.labels(result).inc(0);
  const revocationLookups = new Counter({
    name: 'urlseal_revocation_lookups_total',
    help: 'Revocation store lookups (cache misses) by source kind and outcome: entry (the store holds one for the sub or sid), none, error (a store fault).',
    labelNames: ['source', 'result'],
    registers,
  });
  const revocationSeconds = new Histogram({
    name: 'urlseal_revocation_lookup_duration_seconds',
    help: 'Time one revocation store lookup took, by source kind, faults included.',
    labelNames: ['source'],
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });

  // Label children made once per label set: the hot path does a Map lookup, not a label hash.
  const decisionChildren = new Map<string, Child>();
  const requestChildren = { granted: requestSeconds.labels('granted'), denied: requestSeconds.labels('denied') };
  const remainingChildren = new Map<string, Observer>();

  function decisionChild(result: string, code: string, scheme: string): Child {
    const key = `${code}\0${scheme}`;
    let child = decisionChildren.get(key);
    if (child === undefined) decisionChildren.set(key, (child = decisions.labels(result, code, scheme)));
    return child;
  }

  return Object.freeze({
    registry,
    handler(_req: IncomingMessage, res: ServerResponse): void {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('metrics collection failed\n');
        },
      );
    },
    recordDecision(decision: Decision, seconds: number, nowSeconds: number): void {
      decisionSeconds.observe(seconds);
      if (!decision.ok) return decisionChild('denied', decision.code, decision.scheme ?? 'none').inc();
      decisionChild('granted', 'none', decision.scheme).inc();
      const left = decision.claims.exp - nowSeconds;
      if (!Number.isFinite(left)) return; // a failed clock: no sample (prom-client throws on NaN)
      let observer = remainingChildren.get(decision.scheme);
      if (observer === undefined) remainingChildren.set(decision.scheme, (observer = remaining.labels(decision.scheme)));
      observer.observe(Math.max(0, left));
    },
    recordRequest(decision: Decision, seconds: number): void {
      (decision.ok ? requestChildren.granted : requestChildren.denied).observe(seconds);
    },
    recordOriginError(kind: OriginErrorKind): void {
      originErrors.labels(kind).inc();
    },
    measureRevocations(source: RevocationSource): RevocationSource {
      const description = (source as { description?: unknown }).description;
      const kind = typeof description === 'string' && /^(file|url|redis)\b/.test(description) ? (description.split(' ')[0] as string) : 'other';
      for (const result of ['entry', 'none', 'error']) revocationLookups.labels(kind, result).inc(0);
      const timer = revocationSeconds.labels(kind);
      const outcome = (answer: unknown): string => {
        const entries = answer as { subNotBefore?: unknown; sidUntil?: unknown } | null | undefined;
        return entries?.subNotBefore !== undefined || entries?.sidUntil !== undefined ? 'entry' : 'none';
      };
      const done = (started: bigint, result: string) => {
        timer.observe(Number(process.hrtime.bigint() - started) / 1e9);
        revocationLookups.labels(kind, result).inc();
      };
      // A new object: the source itself is often frozen. Its owner keeps reload/close on the original.
      return Object.freeze({
        description: typeof description === 'string' ? description : 'other',
        lookup(sub: string | undefined, sid: string | undefined) {
          const started = process.hrtime.bigint();
          let answer: ReturnType<RevocationSource['lookup']>;
          try {
            answer = source.lookup(sub, sid);
          } catch (error) {
            done(started, 'error');
            throw error;
          }
          if (!isThenable(answer)) {
            done(started, outcome(answer));
            return answer;
          }
          return answer.then(
            (value) => {
              done(started, outcome(value));
              return value;
            },
            (error: unknown) => {
              done(started, 'error');
              throw error;
            },
          );
        },
      });
    },
    watchKeyring(source: KeyringSource): () => void {
      sources.add(source);
      const unsubscribe = source.subscribe((event) => reloads.labels(event.result).inc());
      return () => {
        unsubscribe();
        sources.delete(source);
      };
    },
  });
}

/**
 * A node:http server that answers `GET /metrics` (and `HEAD`) with the
 * Prometheus text and 404 to anything else: run it on its own, private
 * listener, never on the public port (what `urlseal serve --metrics` does).
 *
 * @example
 * ```ts
 * import { createMetrics, createMetricsServer } from '@urlseal/edge/metrics';
 * createMetricsServer(createMetrics()).listen(9464, '127.0.0.1');
 * ```
 */
export function createMetricsServer(metrics: UrlsealMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) return metrics.handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: metrics are at GET /metrics\n');
  });
}
