import { connect } from 'node:net';
import { createEdgeServer, stopGracefully } from '@urlseal/edge/node-server';
import { listFlag, parseCommand, stringFlag } from './args.js';
import { startFileOrigin, type FileOrigin } from './file-origin.js';
import { SERVE_HELP } from './help.js';
import { KEYRING_FLAG, keyringFromFlag, warn } from './options.js';
import { UsageError } from './usage.js';

const FLAGS = {
  ...KEYRING_FLAG,
  origin: { type: 'string' },
  root: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'trust-proxy': { type: 'string' },
  cors: { type: 'string', multiple: true },
  'origin-timeout': { type: 'string' },
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

/**
 * `urlseal serve (--origin URL | --root DIR) [-k FILE] [--port 8080] [--host 127.0.0.1] [--trust-proxy [N]]`:
 * runs the verifying edge until SIGTERM/SIGINT, then finishes in-flight requests and
 * resolves to 0. An unusable keyring, origin or folder throws before listening (main: exit 2).
 *
 * @example
 * ```sh
 * urlseal serve --root ./media --keyring keyring.json --port 8080
 * # urlseal edge listening on http://127.0.0.1:8080 (files from /home/me/media)
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

/** `--cors ORIGIN`, repeatable (or `--cors '*'`): pages of those origins may read denials. */
function corsOption(origins: string[]): { cors?: string[] | '*' } {
  if (origins.length === 0) return {};
  if (origins.includes('*')) return { cors: '*' };
  for (const origin of origins) {
    if (!/^https?:\/\/[^/?#\s]+$/.test(origin)) throw new UsageError(`--cors takes a web origin such as https://app.example (scheme, host, optional port), not ${JSON.stringify(origin)}`);
  }
  return { cors: origins };
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand('serve', withTrustProxyCount(args), FLAGS, SERVE_HELP, 0);
  if (parsed === undefined) return 0;
  const root = stringFlag(parsed, 'root');
  const origin = readOrigin(stringFlag(parsed, 'origin'), root);
  const port = stringFlag(parsed, 'port') ?? '8080';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new UsageError('--port takes 0 to 65535');
  const host = stringFlag(parsed, 'host') ?? '127.0.0.1';
  const trustProxy = stringFlag(parsed, 'trust-proxy') ?? '0';
  if (!/^\d{1,2}$/.test(trustProxy) || Number(trustProxy) > 32) throw new UsageError('--trust-proxy takes the number of proxies you run in front, 0 to 32');
  const timeout = stringFlag(parsed, 'origin-timeout') ?? '30';
  if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0) throw new UsageError('--origin-timeout takes seconds');
  const keyring = keyringFromFlag(parsed);
  const files: FileOrigin | undefined = root === undefined ? undefined : await startFileOrigin(root);
  const server = createEdgeServer({
    origin: files?.url ?? (origin as string),
    keyring,
    trustProxy: Number(trustProxy),
    ...corsOption(listFlag(parsed, 'cors')),
    originTimeout: Number(timeout) * 1000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${host}:${port} (${error.code ?? error.message})`)));
      server.listen(Number(port), host, () => resolve());
    });
  } catch (error) {
    await files?.close();
    throw error;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const serving = files === undefined ? '' : ` (files from ${files.root})`;
  process.stdout.write(`urlseal edge listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}${serving}\n`);
  if (origin !== undefined) probeOrigin(origin);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void stopGracefully(server).then(() => files?.close()).then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
