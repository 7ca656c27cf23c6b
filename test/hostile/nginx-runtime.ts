// Real nginx (Debian nginx + libnginx-mod-http-js, njs 0.7.9) running what
// `buildNginxModule` writes: the njs module and both config snippets, included in a
// minimal nginx.conf on a free 127.0.0.1 port, in front of a given origin. One
// foreground process (no master, no daemon), files in a temporary folder.
// scripts/test-deps.sh installs nginx and its js module.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNginxModule, type NginxBuildOptions } from '@urlseal/edge/build';
import { freePort, startChild, waitForPort } from '../interop/helpers.js';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_JS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

export interface RunningNginx {
  readonly port: number;
  readonly dir: string;
  /** The access log the generated server snippet writes (its `urlseal` format). */
  readonly accessLog: string;
  /** The http {} block's own access log in nginx's default `combined` format, as a stock install has it. */
  readonly httpAccessLog: string;
  stop(): Promise<void>;
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
  const accessLog = join(dir, 'access.log');
  const httpAccessLog = join(dir, 'http-access.log');
  const { files } = buildNginxModule({ accessLog, ...options, dir });
  for (const [name, text] of Object.entries(files)) {
    const pinned = name === 'urlseal.js' && nowMs !== undefined ? `Date.now = function () { return ${nowMs}; };\n${text}` : text;
    writeFileSync(join(dir, name), pinned, { mode: 0o600 });
  }
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `load_module ${NGINX_JS_MODULE};
daemon off;
master_process off;
error_log stderr warn;
pid ${join(dir, 'nginx.pid')};
events {}
http {
    access_log ${httpAccessLog};
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
  const child = startChild(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')]);
  try {
    await waitForPort(port, 20_000, () => child.exited());
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dir,
    accessLog,
    httpAccessLog,
    stop: async () => {
      // SIGQUIT: nginx's graceful shutdown.
      await child.stop('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
