import type { Server } from 'node:http';
import { connect } from 'node:net';
import { keyringFile, keyringUrl, staticKeyring, type KeyringSource } from '@urlseal/edge/keyring-source';
import { describeNotAPath } from '@urlseal/edge/contract';
import type { UrlsealMetrics } from '@urlseal/edge/metrics';
import type { RevocationSource } from '@urlseal/edge';
import { revocationFile, revocationUrl } from '@urlseal/edge/revocation-source';
import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
import { KEYRING_ENV } from '../keyring.js';
import { ttlSeconds } from '../ttl.js';
import { listFlag, parseCommand, stringFlag, type ParsedArgs } from './args.js';
import { startFileOrigin, type FileOrigin } from './file-origin.js';
import { SERVE_HELP } from './help.js';
import { KEYRING_FLAG, checkKeyringPath, choiceFlag, keyringFromFlag, warn } from './options.js';
import { UsageError, cliMessage } from './usage.js';

/** Every flag serve takes (SERVE_HELP lists each; a test holds it to that). */
export const FLAGS = {
  ...KEYRING_FLAG,
  origin: { type: 'string' },
  root: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'trust-proxy': { type: 'string' },
  'country-header': { type: 'string' },
  cors: { type: 'string', multiple: true },
  sealed: { type: 'string' },
  cmcd: { type: 'string' },
  'origin-timeout': { type: 'string' },
  'keyring-url': { type: 'string' },
  'keyring-refresh': { type: 'string' },
  'max-stale': { type: 'string' },
  metrics: { type: 'string' },
  grace: { type: 'string' },
  revocations: { type: 'string' },
  'on-store-error': { type: 'string' },
  'revocation-cache': { type: 'string' },
  'revocation-refresh': { type: 'string' },
  'revocation-max-stale': { type: 'string' },
} as const;

/** Warns (without delaying start-up) when nothing accepts connections at the origin yet. */
function probeOrigin(origin: string): void {
  const url = new URL(origin);
  const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
  socket.setTimeout(2000);
  const fail = (reason: string) => {
    socket.destroy();
    warn('serve', `nothing answers at ${url.origin} (${reason}); requests get 502 ERR_ORIGIN_UNAVAILABLE until it does (to serve a folder, use --root DIR)`);
  };
  socket.once('connect', () => socket.destroy());
  socket.once('timeout', () => fail('timeout'));
  socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
}

function readOrigin(origin: string | undefined, root: string | undefined): string | undefined {
  if ((origin === undefined) === (root === undefined)) {
    throw new UsageError('give --origin URL (the server to protect) or --root DIR (a folder to serve), one of them');
  }
  if (origin !== undefined && !/^https?:\/\/[^/?#]+/i.test(origin)) throw new UsageError('--origin must be an http:// or https:// URL');
  return origin;
}

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

/** `--cors ORIGIN`, repeatable (or `--cors '*'`): pages of those origins may read denials. */
function corsOption(origins: string[]): { cors?: string[] | '*' } {
  if (origins.length === 0) return {};
  if (origins.includes('*')) return { cors: '*' };
  // Each origin is checked by the verifier (one rule for the library and the CLI): as a browser writes Origin.
  return { cors: origins };
}

// The longest duration keyringUrl takes (2^31 - 1 ms, what a timer holds): about 24 days.
const MAX_DURATION_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A duration flag (`90`, `90s`, `5m`, `1h`, `7d`) in milliseconds; errors name the flag. */
function durationFlag(parsed: ParsedArgs, flag: string, fallback: string): number {
  const seconds = ttlSeconds(stringFlag(parsed, flag) ?? fallback);
  if (typeof seconds !== 'number' || seconds > MAX_DURATION_SECONDS) {
    throw new UsageError(`--${flag} takes a duration such as 90s, 5m, 1h or 7d: more than 0 and at most 24d`);
  }
  return seconds * 1000;
}

/** The keyring source the flags name: a watched file, a fetched URL, or env URLSEAL_KEYRING (fixed). */
async function keyringSource(parsed: ParsedArgs): Promise<KeyringSource> {
  const file = stringFlag(parsed, 'keyring');
  const url = stringFlag(parsed, 'keyring-url');
  const urlOnly = ['keyring-refresh', 'max-stale'].find((flag) => stringFlag(parsed, flag) !== undefined);
  if (url === undefined && urlOnly !== undefined) throw new UsageError(`--${urlOnly} goes with --keyring-url`);
  if (file !== undefined && url !== undefined) throw new UsageError('give --keyring FILE or --keyring-url URL, not both');
  if (url !== undefined) {
    const refreshInterval = durationFlag(parsed, 'keyring-refresh', '60s');
    const maxStale = durationFlag(parsed, 'max-stale', '1h');
    // Not the first successful fetch (the listening line announces the edge), but a key server
    // still down at start is said at once: the edge answers 503 until a fetch succeeds.
    let started = false;
    const log = (line: string) => void ((started || !line.includes('"result":"loaded"')) && process.stderr.write(`${line}\n`));
    let source: KeyringSource;
    try {
      source = keyringUrl(url, { refreshInterval, maxStale, log });
    } catch (error) {
      throw new UsageError(`--keyring-url: ${cliMessage((error as Error).message)}`);
    }
    // The first fetch, waited for: a key server still down keeps the edge up (503 until it answers).
    await source.reload();
    started = true;
    return source;
  }
  if (file === undefined) {
    const keyring = keyringFromFlag(parsed); // env URLSEAL_KEYRING, or a clear "no keyring"
    logSkipped('static', keyring.skipped);
    return staticKeyring(keyring);
  }
  // The first read is not logged: an unusable file at start is one stderr line and exit 2,
  // a good one is announced by the listening line. Every later event is one stderr line.
  let started = false;
  if (file === '') throw new UsageError(`--keyring needs a file path (or leave it out and set ${KEYRING_ENV})`);
  checkKeyringPath(file);
  const source = keyringFile(file, { log: (line: string) => void (started && process.stderr.write(`${line}\n`)) });
  if (source.current() === undefined) {
    source.close();
    throw new UsageError(`unusable keyring ${file}: ${source.problem ?? 'unknown problem'} (or set ${KEYRING_ENV})`);
  }
  started = true;
  logSkipped(source.description, source.current()?.keyring.skipped);
  return source;
}

/** The keys of a JWK Set this edge left out at start, one stderr line each (later reloads log their own). */
function logSkipped(source: string, skipped: readonly string[] | undefined): void {
  for (const reason of skipped ?? []) process.stderr.write(`${JSON.stringify({ event: 'keyring', source, result: 'skipped', reason })}
`);
}

/** A revocation source the edge owns: closed when serve stops. */
interface OwnedRevocation {
  readonly option: { source: RevocationSource; onStoreError: 'deny' | 'allow'; cacheTtl: number };
  reload(): void;
  close(): Promise<void> | void;
}

/** `--revocations FILE|https://…|redis://…` with its required `--on-store-error` (no silent default) and `--revocation-cache`. */
async function revocationFlags(parsed: ParsedArgs): Promise<OwnedRevocation | undefined> {
  const where = stringFlag(parsed, 'revocations');
  const isUrl = where !== undefined && /^https?:\/\//i.test(where);
  const urlOnly = ['revocation-refresh', 'revocation-max-stale'].find((flag) => stringFlag(parsed, flag) !== undefined);
  if (!isUrl && urlOnly !== undefined) throw new UsageError(`--${urlOnly} goes with --revocations https://…`);
  const mode = stringFlag(parsed, 'on-store-error');
  const cache = stringFlag(parsed, 'revocation-cache');
  if (where === undefined) {
    if (mode !== undefined || cache !== undefined) throw new UsageError(`--${mode !== undefined ? 'on-store-error' : 'revocation-cache'} goes with --revocations`);
    return undefined;
  }
  if (mode !== 'deny' && mode !== 'allow') {
    throw new UsageError('--revocations needs --on-store-error deny (a store fault answers 503) or --on-store-error allow (it passes): choose one');
  }
  if (cache !== undefined && (!/^\d{1,2}$/.test(cache) || Number(cache) > 30)) throw new UsageError('--revocation-cache takes seconds from 0 to 30');
  const cacheTtl = cache === undefined ? 10 : Number(cache);
  if (where === '') throw new UsageError('--revocations needs a file path, an https:// URL or a redis:// URL');
  if (isUrl) {
    const refreshInterval = durationFlag(parsed, 'revocation-refresh', '30s');
    const maxStale = durationFlag(parsed, 'revocation-max-stale', '5m');
    let started = false;
    let source: ReturnType<typeof revocationUrl>;
    try {
      source = revocationUrl(where, { refreshInterval, maxStale, log: (line: string) => void (started && process.stderr.write(`${line}\n`)) });
    } catch (error) {
      throw new UsageError(`--revocations: ${cliMessage((error as Error).message)}`);
    }
    // The first fetch, waited for: as with a file or Redis, a list that cannot be had at start is exit 2.
    const first = await source.reload();
    if (first !== 'loaded') {
      const problem = source.problem ?? 'no list';
      source.close();
      throw new UsageError(`unusable revocation list at ${source.description.replace(/^url /, '')}: ${problem} (to start with no revocations, serve {})`);
    }
    started = true;
    return { option: { source, onStoreError: mode, cacheTtl }, reload: () => void source.reload(), close: () => source.close() };
  }
  if (/^rediss?:\/\//i.test(where)) {
    const { revocationRedisUrl } = await import('@urlseal/edge/revocation-source');
    let source: Awaited<ReturnType<typeof revocationRedisUrl>>;
    try {
      source = await revocationRedisUrl(where);
    } catch (error) {
      throw new UsageError(`--revocations: ${cliMessage((error as Error).message)}`);
    }
    return { option: { source, onStoreError: mode, cacheTtl }, reload: () => undefined, close: () => source.close() };
  }
  let started = false;
  const source = revocationFile(where, { log: (line: string) => void (started && process.stderr.write(`${line}\n`)) });
  if (source.problem !== undefined) {
    source.close();
    throw new UsageError(`unusable revocation file ${where}: ${source.problem} (to start with no revocations, write {} to it)`);
  }
  started = true;
  return { option: { source, onStoreError: mode, cacheTtl }, reload: () => source.reload(), close: () => source.close() };
}

/** `--metrics HOST:PORT`, checked before anything starts. */
function metricsAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw new UsageError('--metrics takes HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464');
  return { host: (match[1] ?? match[2]) as string, port };
}

/**
 * `@urlseal/edge/metrics`, loaded only for `--metrics`: it needs prom-client, an optional peer
 * dependency that an app which only signs links does not install.
 */
async function loadMetrics(): Promise<typeof import('@urlseal/edge/metrics')> {
  try {
    return await import('@urlseal/edge/metrics');
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes("'prom-client'")) {
      throw new UsageError('--metrics needs the optional package prom-client, which is not installed: run npm install prom-client@15 in your project, or drop --metrics');
    }
    throw error;
  }
}

/** The metrics listener, started before the edge so a taken port fails fast. */
async function startMetrics(at: { host: string; port: number } | undefined): Promise<{ server: Server; metrics: UrlsealMetrics } | undefined> {
  if (at === undefined) return undefined;
  const { createMetrics, createMetricsServer } = await loadMetrics();
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

/**
 * `urlseal serve (--origin URL | --root DIR) [-k FILE | --keyring-url URL [--keyring-refresh DUR]
 * [--max-stale DUR]] [--port 8080] [--host 127.0.0.1] [--trust-proxy [N]] [--country-header NAME] [--origin-timeout SECS]
 * [--cors ORIGIN]… [--metrics HOST:PORT] [--grace SECS] [--sealed MODE] [--cmcd pass|drop]`: runs the verifying edge
 * until SIGTERM/SIGINT, then finishes in-flight requests and resolves to 0; SIGHUP re-reads the
 * keyring. An unusable keyring, origin, folder or port throws before listening (main: exit 2).
 *
 * @example
 * ```sh
 * urlseal serve --root ./media --keyring keyring.json --port 8080
 * # urlseal edge listening on http://127.0.0.1:8080 (files from /home/me/media)
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('serve', withTrustProxyCount(args), FLAGS, SERVE_HELP, 0);
  if (parsed === undefined) return 0;
  // SIGHUP is ours from the first moment: its default ends the process, and start-up can take
  // a while (the first --keyring-url fetch waits up to 10 s). During start-up it is ignored (the
  // first read or fetch is under way); once serving, it re-reads the keyring.
  const hangUp: { reload: () => void } = { reload: () => {} };
  const onHangUp = () => hangUp.reload();
  process.on('SIGHUP', onHangUp);
  try {
    return await serve(parsed, hangUp);
  } finally {
    process.off('SIGHUP', onHangUp);
  }
}

async function serve(parsed: ParsedArgs, hangUp: { reload: () => void }): Promise<number> {
  const root = stringFlag(parsed, 'root');
  const origin = readOrigin(stringFlag(parsed, 'origin'), root);
  const port = stringFlag(parsed, 'port') ?? '8080';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError('--port takes 0 to 65535');
  const host = stringFlag(parsed, 'host') ?? '127.0.0.1';
  const trustProxy = stringFlag(parsed, 'trust-proxy') ?? '0';
  if (!/^\d{1,2}$/.test(trustProxy) || Number(trustProxy) > 32) throw new UsageError('--trust-proxy takes the number of proxies you run in front, 0 to 32');
  const countryHeader = stringFlag(parsed, 'country-header');
  if (countryHeader !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(countryHeader)) {
    throw new UsageError('--country-header takes a header name (letters, digits and "-"), e.g. CloudFront-Viewer-Country');
  }
  const timeout = stringFlag(parsed, 'origin-timeout') ?? '30';
  if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0) throw new UsageError('--origin-timeout takes seconds');
  const grace = stringFlag(parsed, 'grace') ?? '10';
  if (!/^\d+(\.\d+)?$/.test(grace)) throw new UsageError('--grace takes seconds');
  const cors = corsOption(listFlag(parsed, 'cors'));
  const sealed = choiceFlag(stringFlag(parsed, 'sealed'), '--sealed', ['allow', 'require', 'deny'] as const);
  const cmcd = choiceFlag(stringFlag(parsed, 'cmcd'), '--cmcd', ['pass', 'drop'] as const);
  const metricsAt = metricsAddress(stringFlag(parsed, 'metrics'));
  const revocation = await revocationFlags(parsed);
  let source: KeyringSource;
  try {
    source = await keyringSource(parsed);
  } catch (error) {
    await revocation?.close();
    throw error;
  }
  hangUp.reload = () => {
    void source.reload();
    revocation?.reload();
  }; // from here on, before the listening line
  let observed: Awaited<ReturnType<typeof startMetrics>>;
  let files: FileOrigin | undefined;
  const stopAll = async () => {
    source.close();
    await revocation?.close();
    observed?.server.close();
    observed?.server.closeAllConnections();
    await files?.close();
  };
  let server: Server;
  try {
    observed = await startMetrics(metricsAt);
    files = root === undefined ? undefined : await startFileOrigin(root);
    server = createEdgeServer({
      origin: files?.url ?? (origin as string),
      keyring: source,
      trustProxy: Number(trustProxy),
      ...(countryHeader === undefined ? {} : { countryHeader }),
      originTimeout: Number(timeout) * 1000,
      ...cors,
      ...(sealed === undefined ? {} : { sealed }),
      ...(cmcd === undefined ? {} : { cmcd }),
      ...(revocation === undefined
        ? {}
        : { revocation: { ...revocation.option, source: observed === undefined ? revocation.option.source : observed.metrics.measureRevocations(revocation.option.source) } }),
      ...(observed === undefined ? {} : { metrics: observed.metrics }),
    });
    await listen(server, host, Number(port));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const serving = files === undefined ? '' : ` (files from ${files.root})`;
  process.stdout.write(`urlseal edge listening on ${shown(host, bound)}${serving}\n`);
  const metricsBound = observed?.server.address();
  if (typeof metricsBound === 'object' && metricsBound !== null) {
    process.stdout.write(`urlseal metrics on ${shown(metricsBound.address, metricsBound.port)}/metrics\n`);
  }
  if (origin !== undefined) probeOrigin(origin);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      hangUp.reload = () => {};
      void stopGracefully(server, Number(grace) * 1000).then(stopAll).then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
