// Real nginx (Debian nginx + libnginx-mod-http-js, njs 0.7.9) running what
// `buildNginxModule` writes: the njs module and both config snippets, included in a
// minimal nginx.conf on a free 127.0.0.1 port, in front of a given origin. One
// foreground process (no master, no daemon), files in a temporary folder.
// scripts/test-deps.sh installs nginx and its js module.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNginxModule, type NginxBuildOptions } from '@urlseal/edge/build';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_JS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export interface RunningNginx {
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx did not listen on ${port}: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
}

/**
 * Builds the module for `options` (its `dir` is made here) and starts nginx with it. `nowMs`
 * pins njs's clock (Date.now) as the suite's fixed instant; `http` is extra config for the
 * http {} block.
 */
export async function startNginx(options: Omit<NginxBuildOptions, 'dir'>, nowMs?: number, http = ''): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-nginx-'));
  const temp = join(dir, 'temp');
  mkdirSync(temp);
  const { files } = buildNginxModule({ ...options, dir });
  for (const [name, text] of Object.entries(files)) {
    const pinned = name === 'urlseal.js' && nowMs !== undefined ? `Date.now = function () { return ${nowMs}; };\n${text}` : text;
    writeFileSync(join(dir, name), pinned, { mode: 0o600 });
  }
  const port = await freePort();
  const log = join(dir, 'error.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `load_module ${NGINX_JS_MODULE};
daemon off;
master_process off;
error_log ${log} warn;
pid ${join(dir, 'nginx.pid')};
events {}
http {
    access_log off;
    client_body_temp_path ${temp};
    proxy_temp_path ${temp};
    fastcgi_temp_path ${temp};
    uwsgi_temp_path ${temp};
    scgi_temp_path ${temp};
    ${http}
    include ${join(dir, 'urlseal.http.conf')};
    server {
        listen 127.0.0.1:${port};
        include ${join(dir, 'urlseal.server.conf')};
    }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await waitForPort(port, child, log);
  return {
    port,
    dir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
