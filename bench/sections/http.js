// HTTP section of `npm run bench`: whole requests on loopback, driven by wrk, every server
// in its own process in front of the same static origin (nginx serving a 1 KB file):
// `urlseal serve` (JWT path token, and secure-token; and with --metrics) beside a bare Node keep-alive proxy,
// http-proxy and @fastify/http-proxy, nginx `secure_link` + `proxy_pass` and the njs module
// `urlseal build nginx` writes; and the Express middleware in front of express.static
// beside the same app without it. Goals (issue 15): serve ≥ 0.85× the bare proxy and ≥ 0.4×
// nginx, p99 ≤ 1.5× the bare proxy's; the njs module ≥ 0.7× nginx secure_link; Express
// overhead ≤ 10%. Issue 9:
// serve with Prometheus metrics on ≥ 0.9× serve without. Issue 18: serve with a Redis
// revocation source, its cache warm, ≥ 0.9× serve without (the token carries a sub, so
// every request is checked; the store holds other users' entries).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, waitForPort } from '../lib/ports.js';
import { jwt as mintJwt, secureTokenQuery } from '../lib/tokens.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GROUP = 'HTTP: 1 KB file through a proxy (wrk -t1 -c32, loopback)';
const GROUP_EXPRESS = 'HTTP: Express, 1 KB file from express.static (wrk -t1 -c32)';
const SECRET = 'http-bench-secret-of-at-least-32-bytes!';
const ST_SECRET = 'http-bench-legacy-secret-of-32-bytes!!!';
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const FILE = '/files/1k.bin';
const NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so';

function nginxConfig(dir, name, server) {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/tmp-${name}-${t};`).join(' ');
  return `worker_processes 1; error_log ${dir}/${name}.error.log warn; pid ${dir}/${name}.pid;
events { worker_connections 1024; }
http { access_log off; ${temp} keepalive_requests 1000000; default_type application/octet-stream; ${server} }\n`;
}

/** Parses wrk --latency output into requests/s and the p99 latency in ms. */
function parseWrk(output) {
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(output)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(output);
  const scale = { us: 0.001, ms: 1, s: 1000 };
  const errors = /Non-2xx or 3xx responses:\s*(\d+)/.exec(output)?.[1];
  if (errors !== undefined) throw new Error(`wrk saw ${errors} non-2xx answers: the bench URL is wrong`);
  if (!Number.isFinite(rps) || p99 === null) throw new Error(`cannot read wrk output:\n${output}`);
  return { rps, p99: Number(p99[1]) * scale[p99[2]] };
}

function wrk(url) {
  return async () => {
    const result = spawnSync('wrk', ['-t1', '-c32', `-d${SECONDS}s`, '--latency', url], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr || result.stdout}`);
    const { rps, p99 } = parseWrk(result.stdout);
    return { value: rps, extra: { 'p99 ms': p99 } };
  };
}

export async function run(bench) {
  if (spawnSync('wrk', ['--version']).error || spawnSync('nginx', ['-v']).error || spawnSync('redis-server', ['--version']).error) {
    throw new Error('the HTTP section needs wrk, nginx and redis-server: run `bash scripts/bench-deps.sh` as root (npm run bench does), or apt-get install -y wrk nginx redis-server');
  }
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-bench-http-'));
  chmodSync(dir, 0o755); // nginx workers run as nobody
  mkdirSync(join(dir, 'www/files'), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, `www${FILE}`), Buffer.alloc(1024, 'x'), { mode: 0o644 });
  const children = [];
  bench.cleanup(async () => {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (command, args, port, env = {}) => {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    children.push(child);
    await waitForPort(port, child);
  };
  const nginx = (name, server, loadModule) => {
    writeFileSync(join(dir, `${name}.conf`), (loadModule === undefined ? '' : `load_module ${loadModule};\n`) + nginxConfig(dir, name, server));
    return ['-p', dir, '-e', join(dir, `${name}.error.log`), '-c', join(dir, `${name}.conf`), '-g', 'daemon off;'];
  };

  const [origin, bare, serve, nginxProxy, plainExpress, sealedExpress, serveMetrics, metricsPort, redisPort, serveRedis, httpProxyPort, fastifyPort, njsPort] = await Promise.all(Array.from({ length: 13 }, freePort));
  await start('nginx', nginx('origin', `server { listen 127.0.0.1:${origin}; root ${dir}/www; }`), origin);
  await start(
    'nginx',
    nginx(
      'proxy',
      `upstream origin { server 127.0.0.1:${origin}; keepalive 64; }
server { listen 127.0.0.1:${nginxProxy};
  location / {
    secure_link $arg_st,$arg_e; secure_link_md5 "${ST_SECRET}$uri$secure_link_expires";
    if ($secure_link = "") { return 403; } if ($secure_link = "0") { return 410; }
    proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
  } }`,
    ),
    nginxProxy,
  );
  const keyring = JSON.stringify({ kids: { b1: SECRET }, secureToken: [ST_SECRET] });
  // The njs module `urlseal build nginx` writes, in real nginx, in front of the same origin (issue 15).
  const { buildNginxModule } = await import(pathToFileURL(join(ROOT, 'packages/edge/dist/builders/index.js')).href);
  const njsDir = join(dir, 'njs');
  mkdirSync(njsDir, { mode: 0o755 });
  const built = buildNginxModule({ keyring, origin: `http://127.0.0.1:${origin}`, dir: njsDir, accessLog: 'off' });
  for (const [name, text] of Object.entries(built.files)) writeFileSync(join(njsDir, name), text, { mode: 0o644 });
  await start(
    'nginx',
    nginx('njs', `include ${join(njsDir, 'urlseal.http.conf')}; server { listen 127.0.0.1:${njsPort}; include ${join(njsDir, 'urlseal.server.conf')}; }`, NJS_MODULE),
    njsPort,
  );
  await start(process.execPath, [join(ROOT, 'bench/http/bare-proxy.mjs'), String(bare), String(origin)], bare);
  await start(process.execPath, [join(ROOT, 'bench/http/peer-proxy.mjs'), 'http-proxy', String(httpProxyPort), String(origin)], httpProxyPort);
  await start(process.execPath, [join(ROOT, 'bench/http/peer-proxy.mjs'), 'fastify', String(fastifyPort), String(origin)], fastifyPort);
  await start(process.execPath, [join(ROOT, 'packages/sdk/bin/urlseal.js'), 'serve', '--origin', `http://127.0.0.1:${origin}`, '--port', String(serve)], serve, { URLSEAL_KEYRING: keyring });
  await start(process.execPath, [join(ROOT, 'packages/sdk/bin/urlseal.js'), 'serve', '--origin', `http://127.0.0.1:${origin}`, '--port', String(serveMetrics), '--metrics', `127.0.0.1:${metricsPort}`], serveMetrics, { URLSEAL_KEYRING: keyring });
  // A redis-server of its own (nothing saved) holding entries for other users, and serve reading it.
  await start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], redisPort);
  const redisCli = spawnSync('redis-cli', ['-p', String(redisPort), 'SET', 'urlseal:revoked:sub:someone-else', String(Math.floor(Date.now() / 1000))], { encoding: 'utf8' });
  if (redisCli.status !== 0) throw new Error(`redis-cli failed: ${redisCli.stderr}`);
  await start(
    process.execPath,
    [join(ROOT, 'packages/sdk/bin/urlseal.js'), 'serve', '--origin', `http://127.0.0.1:${origin}`, '--port', String(serveRedis), '--revocations', `redis://127.0.0.1:${redisPort}`, '--on-store-error', 'deny', '--revocation-cache', '30'],
    serveRedis,
    { URLSEAL_KEYRING: keyring },
  );
  await start(process.execPath, [join(ROOT, 'bench/http/express-app.mjs'), String(plainExpress), join(dir, 'www')], plainExpress);
  await start(process.execPath, [join(ROOT, 'bench/http/express-app.mjs'), String(sealedExpress), join(dir, 'www'), '--urlseal'], sealedExpress, { URLSEAL_KEYRING: keyring });

  const now = Math.floor(Date.now() / 1000);
  // With a sub, so serve with a revocation source looks it up (the same token for every serve row).
  const jwt = mintJwt({ exp: now + 3600, iat: now, path: '/files/*', sub: 'bench-viewer' }, { kid: 'b1', secret: SECRET });
  const stQuery = secureTokenQuery(ST_SECRET, FILE, now + 3600);
  const base = (port) => `http://127.0.0.1:${port}`;

  await bench.measure('bare Node keep-alive proxy', wrk(`${base(bare)}${FILE}`), { group: GROUP, unit: 'req/s' });
  await bench.measure('http-proxy (node-http-proxy)', wrk(`${base(httpProxyPort)}${FILE}`), { group: GROUP, unit: 'req/s', peerOf: 'bare Node keep-alive proxy' });
  await bench.measure('@fastify/http-proxy', wrk(`${base(fastifyPort)}${FILE}`), { group: GROUP, unit: 'req/s', peerOf: 'bare Node keep-alive proxy' });
  await bench.measure('urlseal serve, JWT path token', wrk(`${base(serve)}/_token/${jwt}${FILE}`), { group: GROUP, unit: 'req/s', peerOf: 'bare Node keep-alive proxy' });
  await bench.measure('urlseal serve, secure-token', wrk(`${base(serve)}${FILE}?${stQuery}`), { group: GROUP, unit: 'req/s', peerOf: 'bare Node keep-alive proxy' });
  await bench.measure('urlseal serve --metrics, JWT path token', wrk(`${base(serveMetrics)}/_token/${jwt}${FILE}`), { group: GROUP, unit: 'req/s', peerOf: 'urlseal serve, JWT path token' });
  await bench.measure('urlseal serve --revocations redis:// (warm cache), JWT path token', wrk(`${base(serveRedis)}/_token/${jwt}${FILE}`), {
    group: GROUP,
    unit: 'req/s',
    peerOf: 'urlseal serve, JWT path token',
  });
  await bench.measure('nginx secure_link + proxy_pass', wrk(`${base(nginxProxy)}${FILE}?${stQuery}`), { group: GROUP, unit: 'req/s', peerOf: 'bare Node keep-alive proxy' });
  await bench.measure('urlseal build nginx (njs module), secure-token', wrk(`${base(njsPort)}${FILE}?${stQuery}`), { group: GROUP, unit: 'req/s', peerOf: 'nginx secure_link + proxy_pass' });
  await bench.measure('urlseal build nginx (njs module), JWT path token', wrk(`${base(njsPort)}/_token/${jwt}${FILE}`), { group: GROUP, unit: 'req/s', peerOf: 'nginx secure_link + proxy_pass' });
  // Issue 15's goals (they were 0.8× and 2× before it).
  for (const row of ['urlseal serve, JWT path token', 'urlseal serve, secure-token']) {
    bench.goal({ name: `${row} ≥ 0.85× bare proxy`, group: GROUP, row, peer: 'bare Node keep-alive proxy', atLeast: 0.85 });
    bench.goal({ name: `${row} ≥ 0.4× nginx`, group: GROUP, row, peer: 'nginx secure_link + proxy_pass', atLeast: 0.4 });
    bench.goal({ name: `${row}: p99 ≤ 1.5× bare proxy's`, group: GROUP, row, peer: 'bare Node keep-alive proxy', of: 'extra:p99 ms', atMost: 1.5 });
  }
  for (const row of ['urlseal build nginx (njs module), secure-token', 'urlseal build nginx (njs module), JWT path token']) {
    bench.goal({ name: `${row} ≥ 0.7× nginx secure_link`, group: GROUP, row, peer: 'nginx secure_link + proxy_pass', atLeast: 0.7 });
  }

  bench.goal({ name: 'serve with --metrics ≥ 0.9× without (metrics never halve it)', group: GROUP, row: 'urlseal serve --metrics, JWT path token', peer: 'urlseal serve, JWT path token', atLeast: 0.9 });
  bench.goal({
    name: 'serve with a Redis revocation source (warm cache) ≥ 0.9× without',
    group: GROUP,
    row: 'urlseal serve --revocations redis:// (warm cache), JWT path token',
    peer: 'urlseal serve, JWT path token',
    atLeast: 0.9,
  });

  await bench.measure('express.static', wrk(`${base(plainExpress)}${FILE}`), { group: GROUP_EXPRESS, unit: 'req/s' });
  await bench.measure('urlseal() + express.static, JWT query token', wrk(`${base(sealedExpress)}${FILE}?token=${jwt}`), { group: GROUP_EXPRESS, unit: 'req/s', peerOf: 'express.static' });
  bench.goal({ name: 'Express middleware overhead ≤ 10% (≥ 0.9×)', group: GROUP_EXPRESS, row: 'urlseal() + express.static, JWT query token', peer: 'express.static', atLeast: 0.9 });
}
