import type { Server } from 'node:http';
import { keyringFile, keyringUrl, staticKeyring, type KeyringSource } from '@urlseal/edge/keyring-source';
import type { UrlsealMetrics } from '@urlseal/edge/metrics';
import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
import { KEYRING_ENV, loadKeyring } from '../keyring.js';
import { parseTtl } from '../ttl.js';
import { parseCommand, stringFlag, type ParsedArgs } from './args.js';
import { UsageError } from './usage.js';

const HELP = `Usage: urlseal serve --origin URL [--keyring FILE | --keyring-url URL] [--port 8080] [--host 127.0.0.1]
                     [--trust-proxy [N]] [--metrics HOST:PORT] [--grace SECS]

Runs the verifying edge as a streaming reverse proxy in front of the origin. Granted
requests reach the origin without any token; denials answer as SPEC §7 says. One JSON
access-log line per request on stdout (never the token); keyring events on stderr.
SIGHUP: re-read the keyring now. SIGTERM/SIGINT: stop accepting, finish in-flight
requests (at most --grace seconds), then exit 0.

  --origin URL            the server to protect (http:// or https://)
  --keyring FILE          keyring JSON (default: env URLSEAL_KEYRING), re-read whenever the
                          file changes; an invalid new file keeps the last good keyring
  --keyring-url URL       fetch the keyring (urlseal keyring or public JWK Set) from https://
                          (http:// only on loopback) instead; ETag-aware, last good kept
  --keyring-refresh DUR   with --keyring-url: time between fetches (default 60s)
  --max-stale DUR         with --keyring-url: no successful fetch for this long → 503 (default 1h)
  --port N                port to listen on (default 8080; 0 picks a free one)
  --host ADDR             address to bind (default 127.0.0.1)
  --trust-proxy [N]       N proxies you run stand in front (default 0; alone: 1): the client
                          address for ip claims is the N-th X-Forwarded-For entry from the right
  --origin-timeout SECS   seconds the origin may stay silent before a 504 (default 30)
  --metrics HOST:PORT     Prometheus metrics at GET /metrics on this separate listener
                          (never on the public port), e.g. 127.0.0.1:9464
  --grace SECS            on SIGTERM, how long in-flight requests may take (default 10)

DUR is seconds or digits with a unit: 90s, 5m, 1h.`;

/**
 * `urlseal serve --origin URL --keyring FILE [--port 8080] [--host 127.0.0.1] [--trust-proxy [N]]`:
 * runs the verifying edge until SIGTERM/SIGINT, then finishes in-flight requests and
 * resolves to 0. An unusable keyring or origin throws before listening (main: exit 2).
 *
 * @example
 * ```sh
 * urlseal serve --origin http://127.0.0.1:3000 --keyring keyring.json --port 8080
 * # urlseal edge listening on http://127.0.0.1:8080
 * ```
 */
/** `--trust-proxy` takes an optional count: alone (or before another flag) it means 1. */
function withTrustProxyCount(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg !== '--trust-proxy') out.push(arg);
    else if (next !== undefined && /^\d+$/.test(next)) out.push(`--trust-proxy=${next}`), i++;
    else out.push('--trust-proxy=1');
  }
  return out;
}

/** A duration flag (`90`, `90s`, `5m`, `1h`) in milliseconds. */
function durationFlag(parsed: ParsedArgs, flag: string, fallback: string): number {
  const value = stringFlag(parsed, flag) ?? fallback;
  try {
    return parseTtl(value, 30 * 86400, `--${flag}`) * 1000;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/must be whole seconds/, 'takes seconds'));
  }
}

/** The keyring source the flags name: a watched file, a fetched URL, or env URLSEAL_KEYRING (fixed). */
async function keyringSource(parsed: ParsedArgs): Promise<KeyringSource> {
  const file = stringFlag(parsed, 'keyring');
  const url = stringFlag(parsed, 'keyring-url');
  const urlOnly = ['keyring-refresh', 'max-stale'].find((flag) => stringFlag(parsed, flag) !== undefined);
  if (url === undefined && urlOnly !== undefined) throw new UsageError(`--${urlOnly} goes with --keyring-url`);
  if (file !== undefined && url !== undefined) throw new UsageError('give --keyring FILE or --keyring-url URL, not both');
  if (url !== undefined) {
    let source: KeyringSource;
    try {
      source = keyringUrl(url, { refreshInterval: durationFlag(parsed, 'keyring-refresh', '60s'), maxStale: durationFlag(parsed, 'max-stale', '1h') });
    } catch (error) {
      throw new UsageError(`--keyring-url: ${(error as Error).message.replace(/^keyringUrl: /, '')}`);
    }
    // The first fetch, waited for: a key server still down keeps the edge up (503 until it answers).
    await source.reload();
    return source;
  }
  if (file === undefined) return staticKeyring(loadKeyring(undefined));
  // Lines held until the first read is known good: an unusable file at start is one stderr line, exit 2.
  let held: string[] | undefined = [];
  const writeLine = (line: string) => void process.stderr.write(`${line}\n`);
  const source = keyringFile(file, { log: (line) => (held === undefined ? writeLine(line) : held.push(line)) });
  if (source.current() === undefined) {
    source.close();
    throw new UsageError(`unusable keyring ${file}: ${source.problem ?? 'unknown problem'} (or set ${KEYRING_ENV})`);
  }
  held.forEach(writeLine);
  held = undefined;
  return source;
}

/** `--metrics HOST:PORT`, checked before anything starts. */
function metricsAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw new UsageError('--metrics takes HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464');
  return { host: (match[1] ?? match[2]) as string, port };
}

/** The metrics listener, started before the edge so a taken port fails fast. */
async function startMetrics(at: { host: string; port: number } | undefined): Promise<{ server: Server; metrics: UrlsealMetrics } | undefined> {
  if (at === undefined) return undefined;
  const { createMetrics, createMetricsServer } = await import('@urlseal/edge/metrics');
  const metrics = createMetrics();
  const server = createMetricsServer(metrics);
  await listen(server, at.host, at.port, '--metrics: ');
  return { server, metrics };
}

function listen(server: Server, host: string, port: number, what = ''): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`${what}cannot listen on ${host}:${port} (${error.code ?? error.message})`)));
    server.listen(port, host, () => resolve());
  });
}

function shown(host: string, port: number | string): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function run(args: string[]): Promise<number> {
  const flags = {
    origin: { type: 'string' },
    keyring: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'trust-proxy': { type: 'string' },
    'origin-timeout': { type: 'string' },
    'keyring-url': { type: 'string' },
    'keyring-refresh': { type: 'string' },
    'max-stale': { type: 'string' },
    metrics: { type: 'string' },
    grace: { type: 'string' },
  } as const;
  const parsed = parseCommand('serve', withTrustProxyCount(args), flags, HELP, 0);
  if (parsed === undefined) return 0;
  const origin = stringFlag(parsed, 'origin');
  if (origin === undefined) throw new UsageError('--origin URL is required (the server urlseal protects)');
  if (!/^https?:\/\/[^/?#]+/i.test(origin)) throw new UsageError('--origin must be an http:// or https:// URL');
  const port = stringFlag(parsed, 'port') ?? '8080';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError('--port takes 0 to 65535');
  const host = stringFlag(parsed, 'host') ?? '127.0.0.1';
  const trustProxy = stringFlag(parsed, 'trust-proxy') ?? '0';
  if (!/^\d{1,2}$/.test(trustProxy) || Number(trustProxy) > 32) throw new UsageError('--trust-proxy takes the number of proxies you run in front, 0 to 32');
  const timeout = stringFlag(parsed, 'origin-timeout') ?? '30';
  if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0) throw new UsageError('--origin-timeout takes seconds');
  const grace = stringFlag(parsed, 'grace') ?? '10';
  if (!/^\d+(\.\d+)?$/.test(grace)) throw new UsageError('--grace takes seconds');
  const metricsAt = metricsAddress(stringFlag(parsed, 'metrics'));
  const source = await keyringSource(parsed);
  const observed = await startMetrics(metricsAt).catch((error: unknown) => {
    source.close();
    throw error;
  });
  const stopAll = () => {
    source.close();
    observed?.server.close();
    observed?.server.closeAllConnections();
  };
  let server: Server;
  try {
    server = createEdgeServer({
      origin,
      keyring: source,
      trustProxy: Number(trustProxy),
      originTimeout: Number(timeout) * 1000,
      ...(observed === undefined ? {} : { metrics: observed.metrics }),
    });
    await listen(server, host, Number(port));
  } catch (error) {
    stopAll();
    throw error;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`urlseal edge listening on ${shown(host, bound)}\n`);
  const metricsBound = observed?.server.address();
  if (typeof metricsBound === 'object' && metricsBound !== null) {
    process.stdout.write(`urlseal metrics on ${shown(metricsBound.address, metricsBound.port)}/metrics\n`);
  }
  await new Promise<void>((resolve) => {
    const reload = () => void source.reload();
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.off('SIGHUP', reload);
      void stopGracefully(server, Number(grace) * 1000).then(() => {
        stopAll();
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', reload); // also keeps SIGHUP from ending the process
  });
  return 0;
}
