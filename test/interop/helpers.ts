// Shared helpers for the interop tests: free loopback ports, waiting for a port,
// a recording origin, and stopping child processes started by a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
import { connect, createServer as createNetServer } from 'node:net';

// Ports handed out by freePort come from below the kernel's ephemeral range (32768–60999 on
// Linux): a port the kernel picked and freePort released could be handed straight back to the
// next `listen(0)` or outgoing connection of another test file (they run in parallel), before
// the binary the port was meant for binds it; then requests reach the wrong server.
const PORT_RANGE = { from: 20_000, to: 32_000 };
const handedOut = new Set<number>();

/** Whether 127.0.0.1:port can be bound now (bound and released at once). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createNetServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 for a binary a test starts: a random one below the kernel's
 * ephemeral range that binds now, never the same twice in one process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${PORT_RANGE.from} and ${PORT_RANGE.to} after 200 tries`);
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 20_000, alive?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    const dead = alive?.();
    if (dead !== undefined) throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the recording origin saw for one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A local origin that records every request and answers from `routes` (path → body). */
export async function startOrigin(
  respond: (req: SeenRequest) => { status?: number; headers?: Record<string, string>; body?: string } = () => ({ body: 'hello from origin' }),
): Promise<{ server: Server; port: number; url: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    req.resume();
    const out = respond(entry);
    res.writeHead(out.status ?? 200, { 'content-type': 'text/plain', ...out.headers });
    res.end(req.method === 'HEAD' ? undefined : (out.body ?? ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A child process with captured output that a test stops in afterAll/finally. */
export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited(): string | undefined;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Whether any process of the process group `pgid` (a detached child's pid) is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Spawns a command, capturing stdout/stderr. */
export function startChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  // Its own process group: stop() signals the group, so nothing the command started outlives it.
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  let exit: string | undefined;
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) =>
    proc.once('exit', (code, sig) => {
      exit = `${cmd} exited (${code ?? sig}): ${err.trim().slice(-2000)}`;
      resolve(code);
    }),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exit === undefined && proc.pid !== undefined) {
        const pid = proc.pid;
        const group = (sig: NodeJS.Signals) => {
          try {
            process.kill(-pid, sig);
          } catch {
            proc.kill(sig); // the group is gone already
          }
        };
        group(signal);
        const timer = setTimeout(() => group('SIGKILL'), 5000);
        const code = await done;
        clearTimeout(timer);
        return code;
      }
      return proc.exitCode;
    },
  };
}

/** The built CLI, as `npx urlseal` runs it. */
export const URLSEAL_BIN = fileURLToPath(new URL('../../packages/sdk/bin/urlseal.js', import.meta.url));

/** `urlseal serve --origin ORIGIN --port <a free port> …args`, once it listens; the caller stops it. */
export async function startServe(originUrl: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ child: Child; base: string }> {
  const port = await freePort();
  const child = startChild(process.execPath, [URLSEAL_BIN, 'serve', '--origin', originUrl, '--port', String(port), ...args], env === undefined ? {} : { env });
  try {
    await waitForPort(port, 20_000, () => child.exited());
    await waitForOutput(child, 'urlseal edge listening on');
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  }
  return { child, base: `http://127.0.0.1:${port}` };
}

/** An HS256 compact JWS made with node:crypto only (independent of urlseal's signer). */
export function hs256(secret: string, kid: string, claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc({ alg: 'HS256', kid, typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Resolves once a child's stdout contains `text`. */
export async function waitForOutput(child: Child, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!child.stdout().includes(text)) {
    const dead = child.exited();
    if (dead !== undefined) throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`no "${text}" on stdout within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One service of a workerd config: dist/worker.js on a port, its text bindings (name → file in the config's folder). */
export interface WorkerdService {
  readonly name: string;
  readonly port: number;
  readonly bindings: Readonly<Record<string, string>>;
  /** The service's own module files, when not the config's. */
  readonly modules?: readonly string[];
}

/**
 * packages/edge/dist as `npm run build` leaves it: its bundles are built first only when they
 * are not up to date (scripts/build-bundles.js), so a test never rewrites a file another reads.
 */
export async function builtEdge(): Promise<void> {
  const { ensureBuilt } = (await import(`${ROOT}scripts/build-bundles.js`)) as { ensureBuilt(root: string, name: string): void };
  ensureBuilt(ROOT, '@urlseal/edge');
}

/**
 * Copies the built Worker (packages/edge/scripts/build-worker.js, through {@link builtEdge}, never
 * rebuilt here while other test files read dist):
 * dist/worker.js and the modules it loads only when asked (dist/worker-*.js, issue 16) into
 * `dir`; answers their file names, dist/worker.js first, for {@link workerdConfig}.
 */
export async function builtWorkerInto(dir: string): Promise<string[]> {
  await builtEdge();
  const { WORKER_LAZY_MODULES } = (await import(`${ROOT}packages/edge/scripts/build-worker.js`)) as { WORKER_LAZY_MODULES: readonly string[] };
  return ['worker', ...WORKER_LAZY_MODULES].map((name) => {
    const outfile = `${ROOT}packages/edge/dist/${name}.js`;
    copyFileSync(outfile, join(dir, basename(outfile)));
    return basename(outfile);
  });
}

/**
 * A workerd config (capnp text) running `worker.js` (in the same folder, with the other
 * `modules` it may import) once per service, each on its own 127.0.0.1 port, with an
 * outbound network that reaches loopback origins.
 */
export function workerdConfig(services: readonly WorkerdService[], modules: readonly string[] = ['worker.js']): string {
  const worker = (bindings: Readonly<Record<string, string>>, files = modules) =>
    `(modules = [${files.map((file) => `(name = "${file}", esModule = embed "${file}")`).join(', ')}], compatibilityDate = "2025-01-01", bindings = [` +
    Object.entries(bindings).map(([name, file]) => `(name = "${name}", text = embed "${file}")`).join(', ') +
    `], globalOutbound = "internet")`;
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
${services.map((s) => `    (name = "${s.name}", worker = ${worker(s.bindings, s.modules)}),`).join('\n')}
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
${services.map((s) => `    (name = "${s.name}", address = "127.0.0.1:${s.port}", http = (), service = "${s.name}"),`).join('\n')}
  ],
);
`;
}

/**
 * esbuild options of a Workers-style bundle, as wrangler makes one: one ES module for a Web
 * platform, the export conditions of workerd. Tests add the entry and where it goes.
 */
export const WORKERS_BUNDLE: {
  bundle: true;
  format: 'esm';
  platform: 'neutral';
  target: string;
  conditions: string[];
  mainFields: string[];
  logLevel: 'silent';
} = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};
