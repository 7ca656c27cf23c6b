import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
import { loadKeyring } from '../keyring.js';
import { parseCommand, stringFlag } from './args.js';
import { UsageError } from './usage.js';

const HELP = `Usage: urlseal serve --origin URL [--keyring FILE] [--port 8080] [--host 127.0.0.1] [--trust-proxy [N]]

Runs the verifying edge as a streaming reverse proxy in front of the origin. Granted
requests reach the origin without any token; denials answer as SPEC §7 says. One JSON
access-log line per request on stdout (never the token). SIGTERM/SIGINT: finish
in-flight requests, then exit 0.

  --origin URL            the server to protect (http:// or https://)
  --keyring FILE          keyring JSON (default: env URLSEAL_KEYRING)
  --port N                port to listen on (default 8080; 0 picks a free one)
  --host ADDR             address to bind (default 127.0.0.1)
  --trust-proxy [N]       N proxies you run stand in front (default 0; alone: 1): the client
                          address for ip claims is the N-th X-Forwarded-For entry from the right
  --origin-timeout SECS   seconds the origin may stay silent before a 504 (default 30)`;

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

export async function run(args: string[]): Promise<number> {
  const flags = {
    origin: { type: 'string' },
    keyring: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'trust-proxy': { type: 'string' },
    'origin-timeout': { type: 'string' },
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
  const server = createEdgeServer({
    origin,
    keyring: loadKeyring(stringFlag(parsed, 'keyring')),
    trustProxy: Number(trustProxy),
    originTimeout: Number(timeout) * 1000,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${host}:${port} (${error.code ?? error.message})`)));
    server.listen(Number(port), host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`urlseal edge listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void stopGracefully(server).then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
